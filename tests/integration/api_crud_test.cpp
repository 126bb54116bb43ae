// Every change writes the customer row and exactly its two outbox rows in one
// transaction, over real HTTP against real PostgreSQL.

#include <doctest/doctest.h>

#include "integration/api_fixture.hpp"

using testing::ApiFixture;
using testing::HttpClient;

namespace {

const std::string kAda =
    R"({"name":"Ada Lovelace","phone":"+44 20 7946 0000","email":"ada@example.com"})";

struct OutboxRow {
  long long id;
  std::string topic, key, event_type, payload;
  int version;
};

std::vector<OutboxRow> outboxOf(const ApiFixture& api, long long customer_id) {
  std::vector<OutboxRow> rows;
  for (const auto& r :
       api.query("SELECT id, topic, kafka_key, event_type, payload::text, aggregate_version "
                 "FROM outbox WHERE aggregate_id = " +
                 std::to_string(customer_id) + " ORDER BY id")) {
    rows.push_back({r[0].as<long long>(), r[1].c_str(), r[2].c_str(), r[3].c_str(), r[4].c_str(),
                    r[5].as<int>()});
  }
  return rows;
}

long long createAda(HttpClient& http) {
  auto created = http.request("POST", "/api/customers", kAda);
  REQUIRE(created.status == 201);
  return testing::parseJson(created.body)["id"].GetInt64();
}

}  // namespace

TEST_CASE("POST creates the customer and exactly one CRUD and one notification outbox row") {
  ApiFixture api;
  HttpClient http(api.baseUrl());
  auto r = http.request("POST", "/api/customers", kAda);
  REQUIRE(r.status == 201);
  const auto body = testing::parseJson(r.body);
  const auto id = body["id"].GetInt64();
  CHECK(r.header("location") == "/api/customers/" + std::to_string(id));
  CHECK(r.header("etag") == "\"1\"");
  CHECK(std::string(body["name"].GetString()) == "Ada Lovelace");
  CHECK(body["version"].GetInt() == 1);
  CHECK_FALSE(body["deleted"].GetBool());
  for (const char* field :
       {"created_on", "updated_on", "created_by", "updated_by", "phone", "email"}) {
    CHECK_MESSAGE(body.HasMember(field), field);
  }

  const auto rows = outboxOf(api, id);
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].topic == "MICROSERVICE-CUSTOMER-UPDATES");
  CHECK(rows[0].event_type == "customer.created");
  CHECK(rows[0].key == std::to_string(id));
  CHECK(rows[0].version == 1);
  auto event = core::json::decodeCrudEvent(rows[0].payload);
  REQUIRE_MESSAGE(event.ok(), event.error().message);
  CHECK(event->type == core::domain::CrudEventType::kCreated);
  CHECK(event->outbox_id == rows[0].id);
  CHECK(event->aggregate_id == id);
  CHECK_FALSE(event->before_change.has_value());
  CHECK(event->after_change->email == "ada@example.com");
  CHECK(core::domain::formatIso8601(event->event_ts).size() == 27);  // microseconds, Z

  CHECK(rows[1].topic == "MICROSERVICE-CUSTOMER-EMAIL-NOTIFICATION");
  auto mail = core::json::decodeNotificationEvent(rows[1].payload);
  REQUIRE_MESSAGE(mail.ok(), mail.error().message);
  CHECK(mail->subject == "Your record has been created");
  CHECK(mail->notify_to == "ada@example.com");
  CHECK(mail->source_event_id == event->id);
  CHECK(mail->text_msg.find("Ada Lovelace") != std::string::npos);
  CHECK(mail->text_msg.find("+44 20 7946 0000") != std::string::npos);
  CHECK(mail->html_msg.find("Ada Lovelace") != std::string::npos);
}

TEST_CASE("trailing-slash paths work like the plain ones") {
  ApiFixture api;
  HttpClient http(api.baseUrl());
  auto created = http.request("POST", "/api/customers/", kAda);
  REQUIRE(created.status == 201);
  const auto id = std::to_string(testing::parseJson(created.body)["id"].GetInt64());
  CHECK(http.get("/api/customers/" + id + "/").status == 200);
  CHECK(http.get("/api/customers/").status == 200);
}

TEST_CASE("GET returns the customer with its ETag, 404 when missing") {
  ApiFixture api;
  HttpClient http(api.baseUrl());
  const auto id = createAda(http);
  auto r = http.get("/api/customers/" + std::to_string(id));
  CHECK(r.status == 200);
  CHECK(r.header("etag") == "\"1\"");
  CHECK(testing::parseJson(r.body)["id"].GetInt64() == id);
  auto missing = http.get("/api/customers/999999");
  CHECK(missing.status == 404);
  CHECK(std::string(testing::parseJson(missing.body)["error"].GetString()) == "not_found");
}

TEST_CASE(
    "PUT replaces the fields, bumps the version and writes an updated event with before and "
    "after") {
  ApiFixture api;
  HttpClient http(api.baseUrl());
  const auto id = createAda(http);
  auto r = http.request("PUT", "/api/customers/" + std::to_string(id),
                        R"({"name":"Ada King","phone":"+44 20 0000 0000","email":"ada@king.org"})");
  REQUIRE(r.status == 200);
  CHECK(r.header("etag") == "\"2\"");
  const auto body = testing::parseJson(r.body);
  CHECK(body["version"].GetInt() == 2);
  CHECK(std::string(body["email"].GetString()) == "ada@king.org");

  const auto rows = outboxOf(api, id);
  REQUIRE(rows.size() == 4);
  auto event = core::json::decodeCrudEvent(rows[2].payload);
  REQUIRE(event.ok());
  CHECK(event->type == core::domain::CrudEventType::kUpdated);
  CHECK(event->version == 2);
  CHECK(event->before_change->name == "Ada Lovelace");
  CHECK(event->after_change->name == "Ada King");
  auto mail = core::json::decodeNotificationEvent(rows[3].payload);
  REQUIRE(mail.ok());
  CHECK(mail->subject == "Your information has been updated");
  CHECK(mail->notify_to == "ada@king.org");
}

TEST_CASE("PATCH changes only the fields it names") {
  ApiFixture api;
  HttpClient http(api.baseUrl());
  const auto id = createAda(http);
  auto r = http.request("PATCH", "/api/customers/" + std::to_string(id), R"({"phone":"555 12345"})",
                        {"Content-Type: application/merge-patch+json"});
  REQUIRE(r.status == 200);
  const auto body = testing::parseJson(r.body);
  CHECK(std::string(body["phone"].GetString()) == "555 12345");
  CHECK(std::string(body["name"].GetString()) == "Ada Lovelace");
  CHECK(body["version"].GetInt() == 2);
}

TEST_CASE("a stale If-Match gets 412 and writes nothing and the current one succeeds") {
  ApiFixture api;
  HttpClient http(api.baseUrl());
  const auto id = createAda(http);
  const auto path = "/api/customers/" + std::to_string(id);
  REQUIRE(http.request("PATCH", path, R"({"name":"Second"})").status == 200);  // now version 2

  const auto outbox_before = api.scalar("SELECT count(*) FROM outbox");
  for (const char* method : {"PUT", "PATCH", "DELETE"}) {
    CAPTURE(std::string(method));
    auto stale = http.request(method, path, std::string(method) == "DELETE" ? "" : kAda,
                              {"If-Match: \"1\""});
    CHECK(stale.status == 412);
    CHECK(std::string(testing::parseJson(stale.body)["error"].GetString()) ==
          "precondition_failed");
  }
  CHECK(api.scalar("SELECT count(*) FROM outbox") == outbox_before);
  CHECK(api.scalar("SELECT version FROM customers WHERE id = " + std::to_string(id)) == 2);

  auto current = http.request("PATCH", path, R"({"name":"Third"})", {"If-Match: \"2\""});
  CHECK(current.status == 200);
  CHECK(current.header("etag") == "\"3\"");
  auto weak = http.request("PATCH", path, R"({"name":"Fourth"})", {"If-Match: W/\"3\""});
  CHECK(weak.status == 200);
}

TEST_CASE("DELETE soft-deletes with version + 1 and a deleted event and a second DELETE is 404") {
  ApiFixture api;
  HttpClient http(api.baseUrl());
  const auto id = createAda(http);
  const auto path = "/api/customers/" + std::to_string(id);
  auto r = http.request("DELETE", path);
  CHECK(r.status == 204);
  CHECK(r.body.empty());
  const auto row =
      api.query("SELECT deleted, version FROM customers WHERE id = " + std::to_string(id));
  CHECK(row[0][0].as<bool>());
  CHECK(row[0][1].as<int>() == 2);
  const auto rows = outboxOf(api, id);
  REQUIRE(rows.size() == 4);
  auto event = core::json::decodeCrudEvent(rows[2].payload);
  REQUIRE(event.ok());
  CHECK(static_cast<int>(event->type) == 300);
  CHECK(event->after_change->deleted);
  CHECK_FALSE(event->before_change->deleted);
  auto mail = core::json::decodeNotificationEvent(rows[3].payload);
  REQUIRE(mail.ok());
  CHECK(mail->subject == "Your record has been deleted");

  CHECK(http.request("DELETE", path).status == 404);
  CHECK(http.get(path).status == 404);
  CHECK(http.request("PATCH", path, R"({"name":"Zombie"})").status == 404);
  CHECK(api.scalar("SELECT count(*) FROM outbox WHERE aggregate_id = " + std::to_string(id)) == 4);
}
