// outbox-relay parked list|retry|skip against a real database, through the
// built binary, and what the relay does with the rows afterwards.

#include <doctest/doctest.h>
#include <rapidjson/document.h>

#include "integration/relay/relay_fixture.hpp"

using testing::RelayFixture;

namespace {

// Customer 1's created event is row 1 (its e-mail row 2), customer 2's rows 3
// and 4; a rename of customer 1 adds rows 5 and 6. Row 1 is parked.
struct ParkedSetup {
  RelayFixture f;
  std::int64_t blocked = 0;
  std::int64_t other = 0;
  ParkedSetup() {
    blocked = f.createCustomer(1);
    other = f.createCustomer(2);
    f.park(1);
    f.renameCustomer(blocked, "after the parked row");
    REQUIRE(f.scalar("SELECT count(*) FROM outbox") == 6);
  }
};

}  // namespace

TEST_CASE(
    "parked list shows each parked row with aggregate, topic, attempts, since, waiting rows and "
    "error") {
  ParkedSetup s;
  const auto table = s.f.relayCommand("parked list");
  REQUIRE_MESSAGE(table.exit_code == 0, table.output);
  CAPTURE(table.output);
  CHECK(table.output.find("ID  AGGREGATE") != std::string::npos);
  CHECK(table.output.find("customer:" + std::to_string(s.blocked)) != std::string::npos);
  CHECK(table.output.find(s.f.topics().crud) != std::string::npos);
  CHECK(table.output.find("Message size too large") != std::string::npos);

  const auto json = s.f.relayCommand("parked list", "--json --log-level warn");
  REQUIRE_MESSAGE(json.exit_code == 0, json.output);
  rapidjson::Document doc;
  doc.Parse(json.output.c_str());
  REQUIRE_MESSAGE(!doc.HasParseError(), json.output);
  REQUIRE(doc.Size() == 1);
  CHECK(doc[0]["id"].GetInt64() == 1);
  CHECK(doc[0]["aggregate_id"].GetInt64() == s.blocked);
  CHECK(std::string(doc[0]["topic"].GetString()) == s.f.topics().crud);
  CHECK(doc[0]["attempts"].GetInt() == 5);
  CHECK(doc[0]["waiting"].GetInt64() == 3);  // its e-mail row and both rows of the rename
  CHECK(std::string(doc[0]["parked_at"].GetString()).size() == 20);
  CHECK_FALSE(doc[0]["skipped"].GetBool());
}

TEST_CASE("parked list --limit says when it left rows out") {
  ParkedSetup s;
  s.f.park(3);  // customer 2's created event
  const auto cut = s.f.relayCommand("parked list", "--limit 1 --log-level warn");
  REQUIRE_MESSAGE(cut.exit_code == 0, cut.output);
  CAPTURE(cut.output);
  CHECK(cut.output.find("customer:" + std::to_string(s.blocked)) != std::string::npos);
  CHECK(cut.output.find("customer:" + std::to_string(s.other)) == std::string::npos);
  CHECK(cut.output.find("Showing the first 1 rows; there are more (raise --limit)") !=
        std::string::npos);

  const auto whole = s.f.relayCommand("parked list", "--limit 2 --log-level warn");
  REQUIRE_MESSAGE(whole.exit_code == 0, whole.output);
  CHECK(whole.output.find("customer:" + std::to_string(s.other)) != std::string::npos);
  CHECK(whole.output.find("there are more") == std::string::npos);
}

TEST_CASE(
    "parked retry un-parks the row, and the relay then publishes it before its customer's later "
    "rows") {
  ParkedSetup s;
  s.f.publishAll();
  CHECK(s.f.unpublished() == 4);  // row 1 parked, rows 2, 5 and 6 wait behind it

  const auto retried = s.f.relayCommand("parked retry", "--id 1");
  REQUIRE_MESSAGE(retried.exit_code == 0, retried.output);
  CHECK(retried.output.find("Retried 1 row: 1") != std::string::npos);
  CHECK(s.f.scalar(
            "SELECT count(*) FROM outbox WHERE id = 1 AND parked_at IS NULL AND attempts = 0") ==
        1);

  s.f.publishAll();
  CHECK(s.f.unpublished() == 0);
  const auto versions = RelayFixture::versionsByCustomer(testing::readTopic(s.f.topics().crud, 3));
  CHECK(versions.at(s.blocked) == std::vector<int>{1, 2});
  CHECK(versions.at(s.other) == std::vector<int>{1});

  const auto again = s.f.relayCommand("parked retry", "--id 1");
  CHECK(again.exit_code == 1);
  CHECK(again.output.find("row 1 is already published") != std::string::npos);
  const auto none = s.f.relayCommand("parked retry", "--all");
  CHECK(none.exit_code == 0);
  CHECK(none.output.find("Retried 0 rows") != std::string::npos);
}

TEST_CASE("parked retry --all un-parks every parked row, and a bad id changes nothing") {
  ParkedSetup s;
  s.f.park(3);
  const auto refused = s.f.relayCommand("parked retry", "--id 1,3,4");
  CHECK(refused.exit_code == 1);
  CHECK(refused.output.find("row 4 is not parked") != std::string::npos);
  CHECK(s.f.scalar("SELECT count(*) FROM outbox WHERE parked_at IS NOT NULL") ==
        2);  // all or nothing

  const auto all = s.f.relayCommand("parked retry", "--all");
  REQUIRE_MESSAGE(all.exit_code == 0, all.output);
  CHECK(all.output.find("Retried 2 rows: 1,3") != std::string::npos);
  CHECK(s.f.scalar("SELECT count(*) FROM outbox WHERE parked_at IS NOT NULL") == 0);
}

TEST_CASE(
    "parked skip records who and why, never publishes the row, and unblocks the customer's later "
    "rows") {
  ParkedSetup s;
  const auto no_reason = s.f.relayCommand("parked skip", "--id 1 --by alice");
  CHECK(no_reason.exit_code == 2);
  CHECK(no_reason.output.find("--reason") != std::string::npos);
  CHECK(s.f.scalar("SELECT count(*) FROM outbox WHERE skipped_at IS NOT NULL") == 0);

  const auto skipped =
      s.f.relayCommand("parked skip", "--id 1 --reason 'payload too large to fix' --by alice");
  REQUIRE_MESSAGE(skipped.exit_code == 0, skipped.output);
  CHECK(skipped.output.find("Skipped 1 row: 1 (by alice)") != std::string::npos);
  CHECK(s.f.scalar("SELECT count(*) FROM outbox WHERE id = 1 AND skipped_at IS NOT NULL AND "
                   "skipped_by = 'alice' "
                   "AND skip_reason = 'payload too large to fix'") == 1);

  s.f.publishAll();
  CHECK(s.f.unpublished() == 1);  // only the skipped row
  CHECK(s.f.scalar("SELECT count(*) FROM outbox WHERE id = 1 AND published_at IS NULL") == 1);
  const auto versions = RelayFixture::versionsByCustomer(testing::readTopic(s.f.topics().crud, 2));
  CHECK(versions.at(s.blocked) == std::vector<int>{2});  // version 1 never went out
  CHECK(versions.at(s.other) == std::vector<int>{1});

  CHECK(s.f.relayCommand("parked list").output.find("No parked rows.") != std::string::npos);
  const auto audit = s.f.relayCommand("parked list", "--include-skipped");
  CHECK(audit.output.find("alice") != std::string::npos);
  CHECK(audit.output.find("payload too large to fix") != std::string::npos);

  const auto twice = s.f.relayCommand("parked skip", "--id 1 --reason again --by alice");
  CHECK(twice.exit_code == 1);
  CHECK(twice.output.find("row 1 is already skipped") != std::string::npos);
  const auto missing = s.f.relayCommand("parked skip", "--id 999 --reason r --by alice");
  CHECK(missing.exit_code == 1);
  CHECK(missing.output.find("row 999 is not in the outbox") != std::string::npos);
}

TEST_CASE("parked skip takes the operator from $USER when --by is not given") {
  ParkedSetup s;
  const auto skipped =
      testing::runCommand("env USER=ops-bob " + testing::binaryPath("src/outbox/outbox-relay") +
                          " parked skip --database-url '" + s.f.db().urlAs(testing::Role::kRelay) +
                          "' --id 1 --reason 'known bad'");
  REQUIRE_MESSAGE(skipped.exit_code == 0, skipped.output);
  CHECK(s.f.scalar("SELECT count(*) FROM outbox WHERE id = 1 AND skipped_by = 'ops-bob'") == 1);
}
