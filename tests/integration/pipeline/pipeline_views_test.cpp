// The web UI's views of the pipeline against the four real processes: a
// customer's history shows where each event went and that its e-mail was
// sent, and the pipeline panel's figures are the processes' own /metrics.

#include <doctest/doctest.h>
#include <rapidjson/document.h>

#include "integration/pipeline/pipeline_fixture.hpp"

namespace {

rapidjson::Document json(const testing::HttpResult& response) {
  rapidjson::Document doc;
  doc.Parse(response.body.c_str());
  REQUIRE_MESSAGE(doc.IsObject(), response.body);
  return doc;
}

}  // namespace

TEST_CASE("pipeline views: the history shows each event published and its e-mail sent") {
  testing::Pipeline pipeline;
  auto api = pipeline.api();
  const auto created = api.request("POST", "/api/customers",
                                   R"({"name":"Ada Views","phone":"+44 20 7946 0000","email":")" +
                                       testing::uniqueName("views") + "@example.com\"}");
  REQUIRE_MESSAGE(created.status == 201, created.body);
  const auto id = json(created)["id"].GetInt64();
  const std::string path = "/api/customers/" + std::to_string(id);
  REQUIRE(api.request("PATCH", path, R"({"name":"Ada Viewed"})").status == 200);

  rapidjson::Document history;
  const auto all_sent = [&]() {
    history = json(api.get(path + "/history"));
    for (const auto& event : history["events"].GetArray()) {
      if (std::string(event["delivery"].GetString()) != "published") return false;
      for (const auto& mail : event["emails"].GetArray()) {
        if (std::string(mail["state"].GetString()) != "sent") return false;
      }
    }
    return history["events"].Size() == 2;
  };
  CHECK_MESSAGE(testing::waitUntil(all_sent), pipeline.logs());
  const auto& events = history["events"];
  CHECK(std::string(events[0]["event_type"].GetString()) == "customer.updated");
  CHECK(events[0]["offset"].GetInt64() > events[1]["offset"].GetInt64());
  CHECK(events[0]["partition"].GetInt() == 0);
  CHECK(events[0]["changed"].Size() == 1);
  CHECK(events[0]["emails"].Size() == 1);
}

TEST_CASE("pipeline views: the panel's figures agree with the processes' /metrics") {
  testing::Pipeline pipeline;
  auto api = pipeline.api();
  for (int i = 0; i < 5; ++i) {
    REQUIRE(api.request("POST", "/api/customers",
                        R"({"name":"Panel","phone":"+1 555 0100","email":")" +
                            testing::uniqueName("panel") + "@example.com\"}")
                .status == 201);
  }
  // Quiet once every e-mail went out; then the panel's next scrape matches.
  REQUIRE_MESSAGE(testing::waitUntil([&]() {
                    return testing::Pipeline::metric(pipeline.notificationStatus(),
                                                     "notification_sent_total") == 5;
                  }),
                  pipeline.logs());
  rapidjson::Document panel;
  const auto agrees = [&]() {
    panel = json(api.get("/api/pipeline"));
    const auto number = [&](const char* group, const char* key) {
      return panel[group][key].IsNumber() ? panel[group][key].GetDouble() : -1.0;
    };
    return number("email", "sent_total") == testing::Pipeline::metric(pipeline.notificationStatus(),
                                                                      "notification_sent_total") &&
           number("relay", "published_total") ==
               testing::Pipeline::metric(pipeline.relayStatus(), "outbox_published_total") &&
           number("replication", "applied_total") ==
               testing::Pipeline::metric(pipeline.replicationStatus(),
                                         "replication_events_applied_total") &&
           number("replication", "lag") == 0 && number("email", "backlog") == 0 &&
           panel["outbox"]["backlog"].GetInt64() == 0;
  };
  CHECK_MESSAGE(testing::waitUntil(agrees), pipeline.logs());
  CHECK(panel["relay"]["published_total"].GetDouble() == 10);
  CHECK(panel["email"]["sent_total"].GetDouble() == 5);
  CHECK(panel["relay_leader"].IsObject());
  for (const auto& process : panel["processes"].GetArray()) CHECK(process["up"].GetBool());
  CHECK(panel["series"]["points"].Size() >= 1);
}
