// End to end through the four real processes: REST writes become replica rows
// and e-mails, and replaying history changes neither.

#include <doctest/doctest.h>

#include <atomic>
#include <set>
#include <thread>

#include <rapidjson/document.h>

#include "core/json/codec.hpp"
#include "integration/notification/notification_fixture.hpp"
#include "integration/pipeline/pipeline_fixture.hpp"

namespace {

std::int64_t idOf(const testing::HttpResult& response) {
  rapidjson::Document body;
  body.Parse(response.body.c_str());
  REQUIRE_MESSAGE(body.IsObject(), response.body);
  return body["id"].GetInt64();
}

std::string subjectOf(const std::string& mail) {
  const auto at = mail.find("\nSubject: ");
  if (at == std::string::npos) return "";
  const auto end = mail.find('\n', at + 1);
  auto subject = mail.substr(at + 10, end - at - 10);
  if (!subject.empty() && subject.back() == '\r') subject.pop_back();
  return subject;
}

}  // namespace

TEST_CASE(
    "pipeline: create, update and delete reach the replica and send exactly three e-mails, and a "
    "replay changes nothing") {
  testing::Pipeline pipeline;
  auto api = pipeline.api();
  const std::string email = testing::uniqueName("pipe") + "@example.com";

  const auto created =
      api.request("POST", "/api/customers",
                  R"({"name":"Ada Pipeline","phone":"+44 20 7946 0000","email":")" + email + "\"}");
  REQUIRE_MESSAGE(created.status == 201, created.body);
  const auto id = idOf(created);
  const auto path = "/api/customers/" + std::to_string(id);
  REQUIRE(api.request("PATCH", path, R"({"name":"Ada Lovelace"})").status == 200);
  REQUIRE(api.request("DELETE", path).status == 204);

  // The replica converges on the source: a tombstone at version 3.
  testing::CommandResult verified;
  CHECK_MESSAGE(testing::waitUntil([&]() { return (verified = pipeline.verify()).exit_code == 0; }),
                verified.output << pipeline.logs());
  CHECK(pipeline.scalar(pipeline.replica(),
                        "SELECT count(*) FROM customers WHERE id = " + std::to_string(id) +
                            " AND deleted AND version = 3") == 1);

  // Exactly the three e-mails, to the customer.
  std::vector<std::string> mails;
  CHECK_MESSAGE(
      testing::waitUntil([&]() { return (mails = testing::mailsContaining(email)).size() >= 3; }),
      pipeline.logs());
  std::multiset<std::string> subjects;
  for (const auto& mail : mails) subjects.insert(subjectOf(mail));
  CHECK(subjects == std::multiset<std::string>{"Your record has been created",
                                               "Your information has been updated",
                                               "Your record has been deleted"});
  const auto applied_before =
      pipeline.scalar(pipeline.replica(), "SELECT sum(apply_count) FROM customers");

  // Replay all six outbox rows: the workers see every event a second time.
  const auto max_id = pipeline.scalar(pipeline.source(), "SELECT max(id) FROM outbox");
  const auto replay = pipeline.relayCommand("replay --from-id 1 --to-id " + std::to_string(max_id));
  REQUIRE_MESSAGE(replay.exit_code == 0, replay.output);
  CHECK_MESSAGE(testing::waitUntil([&]() {
                  return testing::Pipeline::metric(pipeline.replicationStatus(),
                                                   "replication_events_skipped_total") >= 3 &&
                         testing::Pipeline::metric(pipeline.notificationStatus(),
                                                   "notification_duplicates_skipped_total") >= 3;
                }),
                pipeline.logs());
  CHECK(pipeline.verify().exit_code == 0);
  CHECK(pipeline.scalar(pipeline.replica(), "SELECT sum(apply_count) FROM customers") ==
        applied_before);
  CHECK(testing::mailsContaining(email).size() == 3);
}

TEST_CASE("pipeline: many customers written concurrently end equal in the replica") {
  testing::Pipeline pipeline;
  std::vector<std::thread> writers;
  std::atomic<int> failures{0};
  for (int w = 0; w < 4; ++w) {
    writers.emplace_back([&, w]() {
      auto api = pipeline.api();
      for (int i = 0; i < 15; ++i) {
        const auto n = std::to_string(w) + "-" + std::to_string(i);
        const auto created =
            api.request("POST", "/api/customers",
                        R"({"name":"Many )" + n + R"(","phone":"555 0100","email":"many)" + n +
                            "@example.com\"}");
        if (created.status != 201) {
          ++failures;
          continue;
        }
        const auto path = "/api/customers/" + std::to_string(idOf(created));
        if (api.request("PATCH", path, R"({"phone":"555 0199"})").status != 200) ++failures;
        if (i % 3 == 0 && api.request("DELETE", path).status != 204) ++failures;
      }
    });
  }
  for (auto& writer : writers) writer.join();
  REQUIRE(failures == 0);
  testing::CommandResult verified;
  CHECK_MESSAGE(testing::waitUntil([&]() { return (verified = pipeline.verify()).exit_code == 0; },
                                   std::chrono::seconds(60)),
                verified.output << pipeline.logs());
  CHECK(pipeline.scalar(pipeline.replica(), "SELECT count(*) FROM customers") == 60);
  CHECK(pipeline.scalar(pipeline.replica(), "SELECT count(*) FROM customers WHERE deleted") == 20);
}
