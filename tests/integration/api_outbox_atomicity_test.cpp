// The transactional outbox itself: a customer change and its outbox rows
// commit together or not at all. The database is made to refuse the LAST
// outbox row of a change (the notification row), so a change whose rows were
// split over two transactions would leave its customer row behind.

#include <doctest/doctest.h>

#include "integration/api_fixture.hpp"

using testing::ApiFixture;
using testing::HttpClient;

namespace {

const std::string kAda =
    R"({"name":"Ada Lovelace","phone":"+44 20 7946 0000","email":"ada@example.com"})";

// Installed in the test's own database only.
void refuseNotificationRows(const ApiFixture& api) {
  api.query(
      "CREATE OR REPLACE FUNCTION test_refuse_outbox() RETURNS trigger LANGUAGE plpgsql AS $$ "
      "BEGIN RAISE EXCEPTION 'outbox row refused by the test'; END $$");
  api.query(
      "CREATE TRIGGER test_refuse_outbox BEFORE INSERT ON outbox FOR EACH ROW "
      "WHEN (NEW.topic = 'MICROSERVICE-CUSTOMER-EMAIL-NOTIFICATION') "
      "EXECUTE FUNCTION test_refuse_outbox()");
}

void acceptOutboxRows(const ApiFixture& api) {
  api.query("DROP TRIGGER test_refuse_outbox ON outbox");
}

// The whole customer row, to compare before and after a refused change.
std::string customerRow(const ApiFixture& api, long long id) {
  const auto r = api.query("SELECT c::text FROM customers c WHERE id = " + std::to_string(id));
  return r.empty() ? "" : r[0][0].c_str();
}

}  // namespace

TEST_CASE("a create whose outbox rows are refused leaves no customer, no key and no event") {
  ApiFixture api;
  HttpClient http(api.baseUrl());
  refuseNotificationRows(api);

  const auto refused = http.request("POST", "/api/customers", kAda, {"Idempotency-Key: k-1"});
  CHECK(refused.status == 500);
  CHECK(api.scalar("SELECT count(*) FROM customers") == 0);
  CHECK(api.scalar("SELECT count(*) FROM outbox") == 0);
  CHECK(api.scalar("SELECT count(*) FROM idempotency_keys") == 0);

  // The same request goes through once the database accepts it: the refused
  // attempt left nothing that the key would replay.
  acceptOutboxRows(api);
  const auto created = http.request("POST", "/api/customers", kAda, {"Idempotency-Key: k-1"});
  REQUIRE(created.status == 201);
  CHECK(api.scalar("SELECT count(*) FROM customers") == 1);
  CHECK(api.scalar("SELECT count(*) FROM outbox") == 2);
}

TEST_CASE(
    "a replace, patch or delete whose outbox rows are refused leaves the customer as it was") {
  ApiFixture api;
  HttpClient http(api.baseUrl());
  auto created = http.request("POST", "/api/customers", kAda);
  REQUIRE(created.status == 201);
  const auto id = testing::parseJson(created.body)["id"].GetInt64();
  const auto path = "/api/customers/" + std::to_string(id);
  const auto before = customerRow(api, id);
  REQUIRE_FALSE(before.empty());
  refuseNotificationRows(api);

  struct Change {
    const char* method;
    std::string body;
    std::vector<std::string> headers;
  };
  const std::vector<Change> changes = {
      {"PUT", R"({"name":"Ada King","phone":"+44 20 0000 0000","email":"ada@king.org"})", {}},
      {"PATCH", R"({"phone":"555 12345"})", {"Content-Type: application/merge-patch+json"}},
      {"DELETE", "", {}},
      {"PATCH", R"({"name":"Matched"})", {"If-Match: \"1\""}},
  };
  for (const auto& change : changes) {
    CAPTURE(change.method);
    CAPTURE(change.body);
    const auto refused = http.request(change.method, path, change.body, change.headers);
    CHECK(refused.status == 500);
    CHECK(customerRow(api, id) == before);
    CHECK(api.scalar("SELECT count(*) FROM outbox") == 2);  // the create's two rows only
  }
  CHECK(http.get(path).header("etag") == "\"1\"");

  // And each goes through once the database accepts the outbox rows again.
  acceptOutboxRows(api);
  auto patched = http.request("PATCH", path, R"({"phone":"555 12345"})", {"If-Match: \"1\""});
  CHECK(patched.status == 200);
  CHECK(api.scalar("SELECT count(*) FROM outbox") == 4);
}
