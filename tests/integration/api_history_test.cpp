// GET /api/customers/{id}/history: each CRUD event from the outbox with what
// changed and where it is on its way to Kafka, and the e-mails it caused with
// their state from the notification worker's log. Real HTTP, real PostgreSQL;
// the relay's marks are made by hand here (the pipeline tests run the relay).

#include <doctest/doctest.h>

#include "integration/api_fixture.hpp"

using testing::ApiFixture;
using testing::HttpClient;

namespace {

long long createCustomer(HttpClient& http) {
  auto created = http.request(
      "POST", "/api/customers",
      R"({"name":"Ada Lovelace","phone":"+44 20 7946 0000","email":"ada@example.com"})");
  REQUIRE(created.status == 201);
  return testing::parseJson(created.body)["id"].GetInt64();
}

// Creates, renames, changes the e-mail, deletes: four events.
long long customerWithFourEvents(HttpClient& http) {
  const auto id = createCustomer(http);
  const std::string path = "/api/customers/" + std::to_string(id);
  REQUIRE(http.request("PATCH", path, R"({"name":"Ada King"})", {"If-Match: \"1\""}).status == 200);
  REQUIRE(
      http.request("PATCH", path, R"({"email":"ada@king.example"})", {"If-Match: \"2\""}).status ==
      200);
  REQUIRE(http.request("DELETE", path, "", {"If-Match: \"3\""}).status == 204);
  return id;
}

std::vector<std::string> strings(const rapidjson::Value& array) {
  std::vector<std::string> out;
  for (const auto& v : array.GetArray()) out.emplace_back(v.GetString());
  return out;
}

std::string historyPath(long long id) {
  return "/api/customers/" + std::to_string(id) + "/history";
}

}  // namespace

TEST_CASE("the history lists a customer's events newest first with the fields each changed") {
  ApiFixture api;
  HttpClient http(api.baseUrl());
  const auto id = customerWithFourEvents(http);
  auto r = http.get(historyPath(id));
  REQUIRE_MESSAGE(r.status == 200, r.body);
  const auto body = testing::parseJson(r.body);
  CHECK(body["customer_id"].GetInt64() == id);
  const auto& events = body["events"];
  REQUIRE(events.Size() == 4);
  const std::vector<std::string> types = {"customer.deleted", "customer.updated",
                                          "customer.updated", "customer.created"};
  const std::vector<std::vector<std::string>> changed = {
      {"deleted"}, {"email"}, {"name"}, {"name", "phone", "email"}};
  for (rapidjson::SizeType i = 0; i < 4; ++i) {
    CAPTURE(i);
    CHECK(std::string(events[i]["event_type"].GetString()) == types[i]);
    CHECK(events[i]["version"].GetInt() == static_cast<int>(4 - i));
    CHECK(strings(events[i]["changed"]) == changed[i]);
    CHECK(std::string(events[i]["delivery"].GetString()) == "pending");  // no relay here
    CHECK(events[i]["published_at"].IsNull());
    CHECK(events[i]["committed_at"].IsString());
    REQUIRE(events[i]["emails"].Size() == 1);
    CHECK(std::string(events[i]["emails"][0]["state"].GetString()) == "pending");
  }
  CHECK(events[3]["before"].IsNull());
  CHECK(std::string(events[2]["before"]["name"].GetString()) == "Ada Lovelace");
  CHECK(std::string(events[2]["after"]["name"].GetString()) == "Ada King");
  CHECK(events[0]["after"]["deleted"].GetBool());

  auto newest_two = http.get(historyPath(id) + "?limit=2");
  REQUIRE(newest_two.status == 200);
  CHECK(testing::parseJson(newest_two.body)["events"].Size() == 2);
}

TEST_CASE(
    "a published event shows its partition and offset, and its e-mail's state is unknown "
    "without the worker's database") {
  ApiFixture api;
  HttpClient http(api.baseUrl());
  const auto id = createCustomer(http);
  api.query(
      "UPDATE outbox SET published_at = now(), kafka_partition = 0, kafka_offset = id + 1000");
  const auto outbox_id =
      api.scalar("SELECT id FROM outbox WHERE event_type = 'customer.created' AND aggregate_id = " +
                 std::to_string(id));
  auto r = http.get(historyPath(id));
  REQUIRE(r.status == 200);
  const auto body = testing::parseJson(r.body);
  CHECK_FALSE(body["emails_known"].GetBool());
  const auto& event = body["events"][0];
  CHECK(std::string(event["delivery"].GetString()) == "published");
  CHECK(event["outbox_id"].GetInt64() == outbox_id);
  CHECK(event["partition"].GetInt() == 0);
  CHECK(event["offset"].GetInt64() == outbox_id + 1000);
  CHECK(event["published_at"].IsString());
  CHECK(std::string(event["emails"][0]["state"].GetString()) == "unknown");
}

TEST_CASE("with the worker's database the e-mails show sent, failed or queued") {
  testing::TempDatabase notifications("it_api_mail");
  {
    pqxx::connection c(notifications.url());
    auto files = core::db::loadMigrations(testing::sourcePath("sql/notifications"));
    REQUIRE(core::db::migrate(c, *files).ok());
  }
  api::PipelineViewOptions views;
  views.notifications_database_url = notifications.urlAs(testing::Role::kApi);
  ApiFixture api({}, 2, {}, views);
  HttpClient http(api.baseUrl());
  const auto id = createCustomer(http);
  const std::string path = "/api/customers/" + std::to_string(id);
  REQUIRE(http.request("PATCH", path, R"({"name":"Ada King"})", {"If-Match: \"1\""}).status == 200);
  REQUIRE(http.request("PATCH", path, R"({"name":"Ada L."})", {"If-Match: \"2\""}).status == 200);
  api.query("UPDATE outbox SET published_at = now(), kafka_partition = 0, kafka_offset = id");
  // The worker sent the first e-mail and failed the second; the third waits.
  const auto mail_ids = api.query(
      "SELECT headers->>'event_id' FROM outbox WHERE event_type = 'notification.email' "
      "ORDER BY id");
  REQUIRE(mail_ids.size() == 3);
  {
    pqxx::connection c(notifications.url());
    pqxx::work tx(c);
    tx.exec_params(
        "INSERT INTO notification_log (event_id, recipients, subject, status, attempts, "
        "last_error) VALUES ($1, 'x', 's', 'sent', 1, NULL), ($2, 'x', 's', 'failed', 5, "
        "'550 mailbox unavailable')",
        mail_ids[0][0].as<std::string>(), mail_ids[1][0].as<std::string>());
    tx.commit();
  }
  auto r = http.get(historyPath(id));
  REQUIRE(r.status == 200);
  const auto body = testing::parseJson(r.body);
  CHECK(body["emails_known"].GetBool());
  const auto& events = body["events"];
  REQUIRE(events.Size() == 3);
  CHECK(std::string(events[2]["emails"][0]["state"].GetString()) == "sent");
  CHECK(std::string(events[1]["emails"][0]["state"].GetString()) == "failed");
  CHECK(std::string(events[1]["emails"][0]["error"].GetString()) == "550 mailbox unavailable");
  CHECK(events[1]["emails"][0]["attempts"].GetInt() == 5);
  CHECK(std::string(events[0]["emails"][0]["state"].GetString()) == "queued");
}

TEST_CASE("history of an unknown customer is a 404, a bad limit a 400 naming it") {
  ApiFixture api;
  HttpClient http(api.baseUrl());
  CHECK(http.get(historyPath(987654)).status == 404);
  const auto id = createCustomer(http);
  auto bad = http.get(historyPath(id) + "?limit=0");
  CHECK(bad.status == 400);
  CHECK(testing::parseJson(bad.body)["fields"].HasMember("limit"));
  CHECK(http.get("/api/customers/abc/history").status == 400);
}
