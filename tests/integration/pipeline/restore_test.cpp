// docs/RUNBOOK.md, "The source database was restored from a backup", proven: the source database is
// restored from a backup (pg_dump / pg_restore of the real source) after the topic, the replica and
// the customers' mailboxes saw a later window of changes; one command, `replication-worker
// after-restore`, makes the source safe to write again. New writes to the same customers then reach
// the replica (their versions are no longer skipped as stale), nobody gets an e-mail twice, and the
// topic replayed into a new replica gives the source again.

#include <doctest/doctest.h>

#include <cstdlib>
#include <map>
#include <regex>

#include <rapidjson/document.h>

#include "integration/notification/notification_fixture.hpp"
#include "integration/pipeline/pipeline_fixture.hpp"

namespace {

using testing::CommandResult;
using testing::Pipeline;

std::int64_t idOf(const testing::HttpResult& response) {
  rapidjson::Document body;
  body.Parse(response.body.c_str());
  REQUIRE_MESSAGE(body.IsObject(), response.body);
  return body["id"].GetInt64();
}

std::string pgBin(const std::string& tool) {
  const char* dir = std::getenv("PG_BIN");
  return std::string(dir != nullptr ? dir : "/usr/lib/postgresql/15/bin") + "/" + tool;
}

std::string pgUrl(const std::string& database) {
  return testing::pgUrlBase() + "/" + database;
}

// The notification event id of every mail to the test's customers, with how
// often it was delivered.
std::map<std::string, int> mailsByEventId(const std::string& tag) {
  static const std::regex header("X-Notification-Event-Id: ([0-9a-f-]+)");
  std::map<std::string, int> out;
  for (const auto& mail : testing::mailsContaining(tag)) {
    std::smatch match;
    if (std::regex_search(mail, match, header)) ++out[match[1].str()];
  }
  return out;
}

std::size_t mailCount(const std::map<std::string, int>& by_id) {
  std::size_t n = 0;
  for (const auto& [id, count] : by_id) n += static_cast<std::size_t>(count);
  return n;
}

// The source database replaced by the backup, as an operator restores one:
// drop, create, pg_restore, as the superuser. As in production (pipeline-admin
// create-roles), outbox_owner then owns the schema and every table, so that
// after-restore runs as the owner.
void restoreSource(const testing::TempDatabase& source, const std::string& dump) {
  {
    pqxx::connection admin(pgUrl("postgres"));
    pqxx::nontransaction tx(admin);
    tx.exec("DROP DATABASE " + tx.quote_name(source.name()) + " WITH (FORCE)");
    tx.exec("CREATE DATABASE " + tx.quote_name(source.name()));
  }
  const auto restored = testing::runCommand(pgBin("pg_restore") + " --exit-on-error -d '" +
                                            source.url() + "' '" + dump + "' 2>&1");
  REQUIRE_MESSAGE(restored.exit_code == 0, restored.output);
  pqxx::connection c(source.url());
  pqxx::work tx(c);
  tx.exec("ALTER SCHEMA public OWNER TO outbox_owner");
  tx.exec(
      "DO $$ DECLARE t text; BEGIN FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = "
      "'public' LOOP EXECUTE format('ALTER TABLE %I OWNER TO outbox_owner', t); END LOOP; END $$");
  tx.commit();
}

// The runbook's command as written (docs/RUNBOOK.md, "The source database was restored from a
// backup"):
//   $W after-restore --source-database-url "$MIGRATOR_DATABASE_URL" ...
// with $W and the owner's URL as the runbook's prelude sets them, aimed at
// the test's databases, topic and group; the worker's Kafka identity.
CommandResult afterRestore(const Pipeline& pipeline, const std::string& extra = "") {
  const std::string w =
      "env DATABASE_URL=" + pipeline.source().urlAs(testing::Role::kApi) +
      " REPLICA_DATABASE_URL=" + pipeline.replica().urlAs(testing::Role::kReplication) +
      " REPLICATION_TOPIC=" + pipeline.crudTopic() +
      " REPLICATION_GROUP_ID=" + pipeline.replicationGroup() + " " +
      testing::binaryPath("src/workers/replication/replication-worker");
  return testing::runCommand(
      "W='" + w + "' MIGRATOR_DATABASE_URL='" + pipeline.source().urlAs(testing::Role::kOwner) +
      "'; $W after-restore --source-database-url \"$MIGRATOR_DATABASE_URL\" --brokers " +
      testing::kafkaBrokers() + testing::kafkaIdentityArgs("replication-worker") + " " + extra +
      " 2>&1");
}

std::string body(const std::string& name, const std::string& email) {
  return R"({"name":")" + name + R"(","phone":"+44 20 7946 0000","email":")" + email + "\"}";
}

}  // namespace

TEST_CASE(
    "restore from a backup: after-restore refuses while the replica lags, then makes the replica "
    "equal the source, and the new writes reach the replica with no e-mail sent twice") {
  Pipeline pipeline;
  const std::string tag = testing::uniqueName("restore");
  const auto email = [&](const std::string& who) { return who + "." + tag + "@example.com"; };
  const auto create = [&](const std::string& who) {
    const auto created = pipeline.api().request("POST", "/api/customers", body(who, email(who)));
    REQUIRE_MESSAGE(created.status == 201, created.body);
    return idOf(created);
  };
  const auto path = [](std::int64_t id) { return "/api/customers/" + std::to_string(id); };
  const auto rename = [&](std::int64_t id, const std::string& name) {
    const auto changed = pipeline.api().request("PATCH", path(id), R"({"name":")" + name + "\"}");
    REQUIRE_MESSAGE(changed.status == 200, changed.body);
  };
  const auto drained = [&](std::size_t mails) {
    CommandResult verified;
    REQUIRE_MESSAGE(
        testing::waitUntil([&]() { return (verified = pipeline.verify()).exit_code == 0; },
                           std::chrono::seconds(60)),
        verified.output << pipeline.logs());
    REQUIRE_MESSAGE(testing::waitUntil([&]() { return mailCount(mailsByEventId(tag)) >= mails; },
                                       std::chrono::seconds(60)),
                    mailCount(mailsByEventId(tag)) << " of " << mails << " mails\n"
                                                   << pipeline.logs());
  };

  // Before the backup: four customers, one of them changed once.
  const auto ada = create("ada");
  const auto bob = create("bob");
  const auto cyd = create("cyd");
  const auto dan = create("dan");
  rename(ada, "Ada Two");
  drained(5);
  REQUIRE(testing::waitUntil([&]() {
    return pipeline.scalar(pipeline.source(),
                           "SELECT count(*) FROM outbox WHERE published_at IS NULL") == 0;
  }));
  const std::string dump = testing::requiredEnv("OUTBOX_VAR_DIR") + "/" + tag + ".dump";
  const auto dumped = testing::runCommand(pgBin("pg_dump") + " -Fc -f '" + dump + "' '" +
                                          pipeline.source().url() + "' 2>&1");
  REQUIRE_MESSAGE(dumped.exit_code == 0, dumped.output);

  // The lost window: updates, a delete, a create, a create and delete. All of
  // it reaches the topic, the replica and the mailboxes.
  rename(ada, "Ada Three");
  rename(bob, "Bob Two");
  REQUIRE(pipeline.api().request("DELETE", path(cyd)).status == 204);
  const auto eve = create("eve");
  const auto fay = create("fay");
  REQUIRE(pipeline.api().request("DELETE", path(fay)).status == 204);
  drained(11);

  // One more change the replica has not applied yet (its worker is frozen).
  pipeline.replicationProcess()->signal(SIGSTOP);
  rename(dan, "Dan Two");
  REQUIRE_MESSAGE(testing::waitUntil([&]() {
                    return pipeline.scalar(pipeline.source(),
                                           "SELECT count(*) FROM outbox WHERE published_at IS "
                                           "NULL") == 0;
                  }),
                  pipeline.logs());

  // The loss: writers stopped, the backup restored.
  pipeline.stopWriters();
  restoreSource(pipeline.source(), dump);
  const auto restored_next_customer_id =
      pipeline.scalar(pipeline.source(), "SELECT last_value FROM customers_id_seq");

  // The replica lags the topic: refused (exit 4), nothing changed.
  const auto refused = afterRestore(pipeline);
  CHECK_MESSAGE(refused.exit_code == 4, refused.output);
  CHECK(refused.output.find("REFUSED") != std::string::npos);
  CHECK(pipeline.scalar(pipeline.source(), "SELECT last_value FROM customers_id_seq") ==
        restored_next_customer_id);
  CHECK(pipeline.scalar(pipeline.source(), "SELECT max(version) FROM customers") == 2);

  // The worker catches up while the command waits; then it corrects the source.
  pipeline.replicationProcess()->signal(SIGCONT);
  const auto first = afterRestore(pipeline, "--wait-seconds 120");
  REQUIRE_MESSAGE(first.exit_code == 0, first.output << pipeline.logs());
  // ada, bob, cyd (deleted in the window) and dan have newer replica versions;
  // eve is a tombstone now; fay was one already.
  CHECK_MESSAGE(
      first.output.find("bumped=4 tombstoned=1 tombstones_copied=1 events=5") != std::string::npos,
      first.output);
  CHECK(first.output.find("EQUAL") != std::string::npos);
  CHECK(pipeline.scalar(pipeline.source(),
                        "SELECT version FROM customers WHERE id = " + std::to_string(ada)) == 4);
  CHECK(pipeline.scalar(pipeline.source(),
                        "SELECT count(*) FROM customers WHERE deleted AND id IN (" +
                            std::to_string(eve) + ", " + std::to_string(fay) + ")") == 2);
  // The corrections are CRUD events only: no notification row.
  CHECK(pipeline.scalar(pipeline.source(),
                        "SELECT count(*) FROM outbox WHERE published_at IS NULL AND topic = '" +
                            pipeline.crudTopic() + "'") == 5);
  CHECK(pipeline.scalar(pipeline.source(),
                        "SELECT count(*) FROM outbox WHERE published_at IS NULL AND topic <> '" +
                            pipeline.crudTopic() + "'") == 0);
  // Ids move past everything the lost window handed out.
  CHECK(pipeline.scalar(pipeline.source(), "SELECT last_value FROM customers_id_seq") >= fay);
  CHECK(pipeline.scalar(pipeline.source(),
                        "SELECT min(id) FROM outbox WHERE published_at IS NULL") > 10000);

  // Idempotent: a second run finds nothing to do.
  const auto second = afterRestore(pipeline);
  CHECK_MESSAGE(second.exit_code == 0, second.output);
  CHECK_MESSAGE(
      second.output.find("bumped=0 tombstoned=0 tombstones_copied=0 events=0") != std::string::npos,
      second.output);
  CHECK(second.output.find("-> ") == std::string::npos);  // no sequence moved

  // Writing again: the same customers (their next versions are ones the lost
  // window used) and a new one.
  pipeline.startWriters();
  rename(ada, "Ada Four");
  rename(bob, "Bob Three");
  rename(cyd, "Cyd Two");
  rename(dan, "Dan Three");
  const auto gil = create("gil");
  CHECK(gil > fay);
  CHECK(pipeline.api().request("GET", path(eve)).status == 404);
  drained(17);
  CHECK(pipeline.scalar(pipeline.replica(),
                        "SELECT count(*) FROM customers WHERE id = " + std::to_string(ada) +
                            " AND name = 'Ada Four' AND version = 5") == 1);

  // Every notification event was mailed exactly once: 5 before the backup, 6
  // in the lost window, dan's while the worker was frozen, 5 new ones.
  testing::waitUntil([]() { return false; }, std::chrono::seconds(2));  // late duplicates
  const auto by_id = mailsByEventId(tag);
  CHECK(by_id.size() == 17);
  for (const auto& [event_id, count] : by_id) CHECK_MESSAGE(count == 1, event_id);
  std::remove(dump.c_str());

  // The topic now tells the source's story too: a new replica built from the
  // whole topic (as after losing the replica) equals the source. Without the
  // corrections, ada's v3 would be the lost window's and her new v3 stale.
  testing::TempDatabase rebuilt("it_restore_rebuilt");
  {
    pqxx::connection c(rebuilt.url());
    auto files = core::db::loadMigrations(testing::sourcePath("sql/replica"));
    REQUIRE(files.ok());
    REQUIRE(core::db::migrate(c, *files).ok());
  }
  testing::ChildProcess rebuilder(
      {testing::binaryPath("src/workers/replication/replication-worker"), "--replica-database-url",
       rebuilt.urlAs(testing::Role::kReplication), "--brokers", testing::kafkaBrokers(), "--topic",
       pipeline.crudTopic(), "--dlq-topic", testing::uniqueName("it-restore-unused-dlq"),
       "--group-id", testing::uniqueName("it-restore-rebuild"), "--metrics-address", ""});
  const auto verify_rebuilt = [&]() {
    return testing::runCommand(
        testing::binaryPath("src/workers/replication/replication-worker") +
        " verify --source-database-url '" + pipeline.source().urlAs(testing::Role::kApi) +
        "' --replica-database-url '" + rebuilt.urlAs(testing::Role::kReplication) + "' 2>&1");
  };
  CommandResult rebuilt_verified;
  CHECK_MESSAGE(
      testing::waitUntil([&]() { return (rebuilt_verified = verify_rebuilt()).exit_code == 0; },
                         std::chrono::seconds(60)),
      rebuilt_verified.output << rebuilder.output());
}
