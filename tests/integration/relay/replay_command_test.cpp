// outbox-relay replay through the built binary: dry runs send nothing, real
// runs republish exactly the chosen rows with replay=true, and publishing
// state (published_at, offsets) never changes; rows published by either
// source are marked where they went, and replay republishes them.

#include <doctest/doctest.h>

#include <csignal>
#include <set>

#include "integration/relay/relay_fixture.hpp"
#include "integration/relay/relay_source.hpp"
#include "support/child_process.hpp"

using testing::RelayFixture;

namespace {

// Everything the live relay owns about each row, as one comparable value.
std::string publishingState(const RelayFixture& f) {
  pqxx::connection c(f.db().url());
  pqxx::nontransaction tx(c);
  return tx
      .exec1(
          "SELECT coalesce(string_agg(id || ':' || coalesce(published_at::text, '-') || ':' || "
          "coalesce(kafka_partition::text, '-') || ':' || coalesce(kafka_offset::text, '-') || ':' "
          "|| "
          "attempts, ',' ORDER BY id), '') FROM outbox")[0]
      .c_str();
}

std::set<std::string> eventIds(const std::vector<core::kafka::ConsumedMessage>& messages) {
  std::set<std::string> out;
  for (const auto& m : messages) out.insert(RelayFixture::header(m, "event_id").value_or("?"));
  return out;
}

std::set<std::string> eventIdsOfRows(const RelayFixture& f, const std::string& where) {
  pqxx::connection c(f.db().url());
  pqxx::nontransaction tx(c);
  std::set<std::string> out;
  for (const auto& r : tx.exec("SELECT headers->>'event_id' FROM outbox WHERE " + where))
    out.insert(r[0].c_str());
  return out;
}

// The first output line that contains `text`.
std::string lineWith(const std::string& output, const std::string& text) {
  const auto at = output.find(text);
  if (at == std::string::npos) return "";
  const auto start = output.rfind('\n', at);
  const auto end = output.find('\n', at);
  return output.substr(start == std::string::npos ? 0 : start + 1,
                       (end == std::string::npos ? output.size() : end) -
                           (start == std::string::npos ? 0 : start + 1));
}

// Five customers: rows 1..10, CRUD rows odd, e-mail rows even, all published.
void fivePublishedCustomers(RelayFixture& f) {
  for (int i = 0; i < 5; ++i) f.createCustomer(i);
  f.publishAll();
  REQUIRE(f.unpublished() == 0);
}

}  // namespace

TEST_CASE(
    "both sources: rows the daemon published are marked with their partition and offset, and "
    "replay republishes them") {
  const auto source = testing::eachSource();
  RelayFixture f;
  testing::SourceRelay relay_of(f, source);
  relay_of.prepare();
  testing::ChildProcess relay(relay_of.command());
  REQUIRE_MESSAGE(relay_of.waitLeading(relay), relay.output());
  for (int i = 0; i < 5; ++i) f.createCustomer(i);  // rows 1..10
  REQUIRE_MESSAGE(testing::waitUntil([&]() { return f.unpublished() == 0; }), relay.output());
  CHECK(relay.stop(SIGTERM) == 0);

  // Each row's mark is where its message is.
  // No linger: the read after the replay catches any extra copy.
  const auto live = testing::readTopic(f.topics().crud, 5, std::chrono::seconds(60),
                                       std::chrono::milliseconds(0));
  REQUIRE(live.size() == 5);
  for (const auto& m : live) {
    const auto id = std::to_string(core::json::decodeCrudEvent(m.payload)->outbox_id);
    CAPTURE(id);
    CHECK(f.scalar("SELECT kafka_partition FROM outbox WHERE id = " + id) == m.partition);
    CHECK(f.scalar("SELECT kafka_offset FROM outbox WHERE id = " + id) == m.offset);
  }
  const auto before = publishingState(f);

  const auto replay = f.relayCommand(
      "replay", "--from-id 1 --to-id 10 --progress none --brokers " + testing::kafkaBrokers());
  REQUIRE_MESSAGE(replay.exit_code == 0, replay.output);
  CHECK(replay.output.find("Replayed 10 of 10 rows") != std::string::npos);
  const auto crud = testing::readTopic(f.topics().crud, 10);
  REQUIRE(crud.size() == 10);
  for (std::size_t i = 0; i < 5; ++i) {
    CHECK(RelayFixture::header(crud[5 + i], "replay") == std::string("true"));
    CHECK(crud[5 + i].payload == live[i].payload);
  }
  CHECK(publishingState(f) == before);
}

TEST_CASE(
    "replay --dry-run by id range prints the count per topic and the first rows and sends "
    "nothing") {
  RelayFixture f;
  fivePublishedCustomers(f);
  const auto before = publishingState(f);

  const auto dry = f.relayCommand("replay", "--from-id 3 --to-id 8 --dry-run --show 2");
  REQUIRE_MESSAGE(dry.exit_code == 0, dry.output);
  CAPTURE(dry.output);
  CHECK(dry.output.find("6 rows would be replayed (ids 3..8); nothing was sent") !=
        std::string::npos);
  CHECK(lineWith(dry.output, f.topics().crud + " ").find("  3  ") != std::string::npos);
  CHECK(lineWith(dry.output, f.topics().notification + " ").find("  3  ") != std::string::npos);
  CHECK(dry.output.find("First 2 rows:") != std::string::npos);
  CHECK(dry.output.find("customer.created") != std::string::npos);

  const auto one_topic = f.relayCommand(
      "replay", "--from-id 3 --to-id 8 --dry-run --topic " + f.topics().notification);
  CHECK(one_topic.output.find("3 rows would be replayed (ids 4..8)") != std::string::npos);

  CHECK(testing::readTopic(f.topics().crud, 5).size() == 5);  // nothing more than the live run
  CHECK(testing::readTopic(f.topics().notification, 5).size() == 5);
  CHECK(publishingState(f) == before);
}

TEST_CASE(
    "replay by id range republishes exactly those rows with replay=true and leaves publishing "
    "state alone") {
  RelayFixture f;
  fivePublishedCustomers(f);
  const auto before = publishingState(f);

  const auto replay =
      f.relayCommand("replay", "--from-id 3 --to-id 8 --brokers " + testing::kafkaBrokers() +
                                   " --progress lines --batch-size 2");
  REQUIRE_MESSAGE(replay.exit_code == 0, replay.output);
  CAPTURE(replay.output);
  CHECK(replay.output.find("Replayed 6 of 6 rows") != std::string::npos);
  CHECK(replay.output.find("replay: 6/6 rows (100.0%)") !=
        std::string::npos);  // the final progress line

  const auto crud = testing::readTopic(f.topics().crud, 8);
  REQUIRE(crud.size() == 8);
  std::vector<std::int64_t> replayed_outbox_ids;
  for (std::size_t i = 0; i < crud.size(); ++i) {
    const bool replayed = RelayFixture::header(crud[i], "replay") == std::string("true");
    CHECK(replayed == (i >= 5));  // the live run first, then the replay
    if (replayed) {
      auto event = core::json::decodeCrudEvent(crud[i].payload);
      REQUIRE(event.ok());
      replayed_outbox_ids.push_back(event->outbox_id);
      CHECK(crud[i].key == std::to_string(event->aggregate_id));
    }
  }
  CHECK(replayed_outbox_ids == std::vector<std::int64_t>{3, 5, 7});  // in id order
  const auto mail = testing::readTopic(f.topics().notification, 8);
  CHECK(mail.size() == 8);
  CHECK(publishingState(f) == before);
}

TEST_CASE("replay by time range sends only the rows created in it, to a named topic") {
  RelayFixture f;
  for (int i = 0; i < 6; ++i) f.createCustomer(i);
  f.publishAll();
  f.execute(
      "UPDATE outbox SET created_at = '2026-01-01T00:00:00Z'::timestamptz + id * interval '1 "
      "second' "
      "WHERE id <= 4");
  f.execute(
      "UPDATE outbox SET created_at = '2026-02-01T00:00:00Z'::timestamptz + id * interval '1 "
      "second' "
      "WHERE id BETWEEN 5 AND 8");
  const auto before = publishingState(f);
  const std::string target = testing::uniqueName("it-replay-target");
  REQUIRE(core::kafka::createTopics(testing::kafkaBrokers(), testing::kafkaAdminProperties(),
                                    {{target, 1, 1, {}}})
              .ok());
  struct DropTopic {
    std::string name;
    ~DropTopic() {
      (void)core::kafka::deleteTopics(testing::kafkaBrokers(), testing::kafkaAdminProperties(),
                                      {name});
    }
  } drop{target};

  const auto replay =
      f.relayCommand("replay", "--from-time 2026-02-01T00:00:00Z --to-time 2026-02-02 --to-topic " +
                                   target + " --brokers " + testing::kafkaBrokers());
  REQUIRE_MESSAGE(replay.exit_code == 0, replay.output);
  CHECK(replay.output.find("Replayed 4 of 4 rows (" + target + ": 4)") != std::string::npos);

  const auto moved = testing::readTopic(target, 4);
  REQUIRE(moved.size() == 4);
  CHECK(eventIds(moved) == eventIdsOfRows(f, "id BETWEEN 5 AND 8"));
  std::set<std::string> original_topics;
  for (const auto& m : moved) {
    CHECK(RelayFixture::header(m, "replay") == std::string("true"));
    original_topics.insert(RelayFixture::header(m, "replay_original_topic").value_or("?"));
  }
  CHECK(original_topics == std::set<std::string>{f.topics().crud, f.topics().notification});
  CHECK(testing::readTopic(f.topics().crud, 6).size() == 6);  // the original topics got nothing
  CHECK(publishingState(f) == before);
}

TEST_CASE("replay exits 1 and names the first failed id when the broker cannot take the messages") {
  RelayFixture f;
  fivePublishedCustomers(f);
  const auto replay = f.relayCommand("replay", "--from-id 1 --to-id 4 --to-topic " +
                                                   testing::uniqueName("it-missing-topic") +
                                                   " --delivery-timeout-ms 2000 --brokers " +
                                                   testing::kafkaBrokers() + " --log-level warn");
  CAPTURE(replay.output);
  CHECK(replay.exit_code == 1);
  CHECK(replay.output.find("first at id 1") != std::string::npos);
  CHECK(replay.output.find("Resume with --from-id 1") != std::string::npos);
}

TEST_CASE("replay of a range without published rows sends nothing and succeeds") {
  RelayFixture f;
  f.createCustomer(1);  // unpublished: replay never sends those
  const auto replay =
      f.relayCommand("replay", "--from-id 1 --to-id 100 --brokers " + testing::kafkaBrokers());
  CHECK(replay.exit_code == 0);
  CHECK(replay.output.find("Nothing to replay") != std::string::npos);
}

TEST_CASE("replay draws a progress bar when stderr is a terminal") {
  RelayFixture f;
  fivePublishedCustomers(f);
  // script(1) runs the command on a pseudo-terminal and copies what it wrote.
  const std::string command =
      testing::binaryPath("src/outbox/outbox-relay") + " replay --database-url '" +
      f.db().urlAs(testing::Role::kRelay) + "' --brokers " + testing::kafkaBrokers() +
      " --from-id 1 --to-id 10 --log-level warn" + testing::kafkaIdentityArgs("outbox-relay");
  const auto r = testing::runCommand("script -qec \"" + command + "\" /dev/null");
  REQUIRE_MESSAGE(r.exit_code == 0, r.output);
  CHECK(r.output.find("\r[##############################]  10/10  100.0%") != std::string::npos);
  CHECK(r.output.find("rows/s  ETA 0:00") != std::string::npos);
  CHECK(r.output.find("replay: 10/10 rows") == std::string::npos);  // no plain lines on a terminal
}

TEST_CASE(
    "replay stopped by SIGINT waits for what is in flight, exits 1 and says where to resume") {
  RelayFixture f;
  fivePublishedCustomers(f);
  // One message in the producer's queue at a time, each held back 300 ms:
  // ten rows take seconds, so the signal lands mid-run.
  testing::ChildProcess replay(testing::withKafkaIdentity(
      {testing::binaryPath("src/outbox/outbox-relay"), "replay", "--database-url",
       f.db().urlAs(testing::Role::kRelay), "--brokers", testing::kafkaBrokers(), "--from-id", "1",
       "--to-id", "10", "--progress", "none", "-X", "queue.buffering.max.messages=1", "-X",
       "linger.ms=300"},
      "outbox-relay"));
  REQUIRE_MESSAGE(
      testing::waitUntil(
          [&]() { return replay.output().find("replaying 10 rows") != std::string::npos; },
          std::chrono::seconds(20)),
      replay.output());
  replay.signal(SIGINT);
  REQUIRE(replay.waitExit(std::chrono::seconds(30)) == 1);
  const auto output = replay.output();
  CAPTURE(output);
  CHECK(output.find("Interrupted by a signal.") != std::string::npos);
  const auto at = output.find("Resume with --from-id ");
  REQUIRE(at != std::string::npos);
  const auto resume = std::stoll(output.substr(at + 22));
  // Everything below the resume point reached Kafka (once more), nothing from it on.
  std::size_t replayed = 0;
  for (const auto& topic : {f.topics().crud, f.topics().notification}) {
    for (const auto& m : testing::readTopic(topic, 5))
      replayed += RelayFixture::header(m, "replay") ? 1 : 0;
  }
  CHECK(resume > 1);
  CHECK(resume <= 10);
  CHECK(replayed == static_cast<std::size_t>(resume - 1));
}

TEST_CASE("replay republishes a row over librdkafka's default 1 MB limit that the broker accepts") {
  RelayFixture f;
  fivePublishedCustomers(f);
  // Published by a relay run with a raised --max-message-bytes; the topic's
  // limit (the broker's default, 1048588 bytes) takes it.
  f.execute(
      "UPDATE outbox SET payload = jsonb_build_object('padding', repeat('x', 1010000)) "
      "WHERE id = 3");
  const auto replay = f.relayCommand(
      "replay", "--from-id 3 --to-id 3 --progress none --brokers " + testing::kafkaBrokers());
  CAPTURE(replay.output);
  CHECK(replay.exit_code == 0);
  const auto messages = testing::readTopic(f.topics().crud, 6);
  REQUIRE(messages.size() == 6);
  CHECK(messages.back().payload.size() > 1000000);
}
