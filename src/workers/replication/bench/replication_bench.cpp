// replication-bench: how fast the replicator drains a backlog. Creates a
// scratch database and topic, produces N CRUD events for K customers (all
// versions in order), then runs the replicator until everything is recorded
// and prints the rates. Not built by default: `ninja replication-bench`.
//
//   replication-bench --admin-database-url postgresql://postgres@127.0.0.1:15433/postgres
//                     --brokers 127.0.0.1:19092 --events 1000000 --customers 100000

#include <spdlog/spdlog.h>

#include <unistd.h>
#include <chrono>
#include <iostream>
#include <memory>
#include <pqxx/pqxx>
#include <thread>

#include "core/app/main_support.hpp"
#include "core/config/common_flags.hpp"
#include "core/config/required_flag.hpp"
#include "core/db/migrator.hpp"
#include "core/json/codec.hpp"
#include "core/kafka/admin.hpp"
#include "core/kafka/producer.hpp"
#include "core/logging/logging.hpp"
#include "workers/replication/replicator.hpp"

namespace {
namespace po = core::config::po;
using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

core::domain::CrudEvent eventFor(std::int64_t id, std::int32_t version) {
  core::domain::CrudEvent e;
  e.id = core::domain::newUuid();
  e.type =
      version == 1 ? core::domain::CrudEventType::kCreated : core::domain::CrudEventType::kUpdated;
  e.event_ts = core::domain::Timestamp::now();
  e.aggregate_id = id;
  e.version = version;
  e.outbox_id = id;
  core::domain::Customer c;
  c.id = id;
  c.name = "Customer " + std::to_string(id) + " version " + std::to_string(version);
  c.phone = "+1 555 " + std::to_string(1000000 + id);
  c.email = "customer" + std::to_string(id) + "@example.com";
  c.version = version;
  c.created_on = e.event_ts;
  c.updated_on = e.event_ts;
  c.created_by = "bench";
  c.updated_by = "bench";
  if (version > 1) e.before_change = c;
  e.after_change = c;
  return e;
}

// The client's identity, then the bench's own settings.
core::kafka::Properties withClient(core::kafka::Properties client,
                                   const core::kafka::Properties& settings) {
  client.insert(client.end(), settings.begin(), settings.end());
  return client;
}

}  // namespace

int main(int argc, char** argv) {
  return core::app::runMain("replication-bench", [&]() -> int {
    core::config::CommandLine cli("replication-bench", "replication-bench [flags]",
                                  "Measures how fast replication-worker drains a backlog.");
    cli.add("admin-database-url", po::value<std::string>(),
            "PostgreSQL URL of a database where CREATE DATABASE works", "PG_ADMIN_URL");
    core::config::addBrokersFlag(cli);
    cli.add("events", po::value<long>()->default_value(1000000), "events to produce");
    cli.add("customers", po::value<long>()->default_value(100000), "distinct customers");
    cli.add("batch-size", po::value<long>()->default_value(1000), "replicator batch size");
    if (auto exit = cli.parse(argc, argv)) return *exit;
    (void)core::logging::init("replication-bench", "warn");
    std::string admin_url;
    if (auto e = core::config::readRequired(cli, "admin-database-url", "PG_ADMIN_URL", admin_url)) {
      return *e;
    }
    std::string brokers;
    if (auto e = core::config::readBrokers(cli, brokers)) return *e;
    // One identity for the whole bench: it creates and deletes its topics, so
    // it runs as a user allowed to (pipeline-admin on a secured broker).
    core::kafka::Properties client;
    if (auto e = core::config::readKafkaSecurity(cli, client)) return *e;
    const long events = cli.get<long>("events");
    const long customers = std::max(1L, cli.get<long>("customers"));

    const std::string suffix = std::to_string(::getpid());
    const std::string db_name = "replication_bench_" + suffix;
    const std::string topic = "replication-bench-" + suffix;
    const std::string db_url = admin_url.substr(0, admin_url.rfind('/') + 1) + db_name;
    {
      pqxx::connection admin(admin_url);
      pqxx::nontransaction tx(admin);
      tx.exec("CREATE DATABASE " + tx.quote_name(db_name));
    }
    {
      pqxx::connection c(db_url);
      auto files = core::db::loadMigrations("sql/replica");
      if (!files)
        throw std::runtime_error(files.error().message + " (run from the repository root)");
      if (auto m = core::db::migrate(c, *files); !m) throw std::runtime_error(m.error().message);
    }
    if (auto created = core::kafka::createTopics(brokers, client,
                                                 {{topic, 1, 1, {}}, {topic + "-DLQ", 1, 1, {}}});
        !created) {
      throw std::runtime_error(created.error().message);
    }

    auto producer = core::kafka::Producer::create(
        {brokers, "replication-bench", true,
         withClient(client, {{"linger.ms", "20"}, {"batch.size", "1000000"}})});
    if (!producer) throw std::runtime_error(producer.error().message);
    const auto produce_start = Clock::now();
    for (long i = 0; i < events; ++i) {
      const std::int64_t id = 1 + i % customers;
      const auto version = static_cast<std::int32_t>(1 + i / customers);
      const core::kafka::OutgoingMessage m{
          topic, std::to_string(id), core::json::encodeCrudEvent(eventFor(id, version)), {}, i, -1};
      auto queued = (*producer)->produce(m);
      while (!queued.ok() && queued.error().kind == core::ErrorKind::kUnavailable) {
        (*producer)->poll(5);
        queued = (*producer)->produce(m);
      }
      if (!queued.ok()) throw std::runtime_error(queued.error().message);
      if (i % 10000 == 0) {
        (*producer)->poll(0);
        (void)(*producer)->takeDeliveryReports();
      }
    }
    if (auto flushed = (*producer)->flush(120000); !flushed) {
      throw std::runtime_error(flushed.error().message);
    }
    const double produce_seconds = secondsSince(produce_start);
    producer->reset();  // before the topic goes away
    std::cout << "produced " << events << " events in " << produce_seconds << " s ("
              << static_cast<long>(static_cast<double>(events) / produce_seconds) << "/s)"
              << std::endl;

    replication::ReplicatorOptions options;
    options.database_url = db_url;
    options.brokers = brokers;
    options.kafka_properties = client;
    options.topic = topic;
    options.dead_letter_topic = topic + "-DLQ";
    options.group_id = "replication-bench";
    options.batch_size = static_cast<std::size_t>(cli.get<long>("batch-size"));
    core::metrics::Registry metrics;
    auto replicator_owner = std::make_unique<replication::Replicator>(options, metrics);
    auto& replicator = *replicator_owner;
    const auto apply_start = Clock::now();
    std::thread runner([&]() { replicator.run(); });
    pqxx::connection c(db_url);
    while (true) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      pqxx::nontransaction tx(c);
      const auto r = tx.exec("SELECT coalesce(max(next_offset), 0) FROM consumer_offsets");
      if (r[0][0].as<long>() >= events) break;
    }
    const double apply_seconds = secondsSince(apply_start);
    replicator.stop();
    runner.join();
    const auto stats = replicator.stats();
    const double batch_seconds = metrics.histogram("replication_batch_duration_seconds", "").sum();
    std::cout << "time in batches (parse, dead-letter, apply): " << batch_seconds
              << " s; the rest is waiting for Kafka" << std::endl;
    replicator_owner.reset();  // before the topic goes away
    std::cout << "replicated " << events << " events in " << apply_seconds << " s ("
              << static_cast<long>(static_cast<double>(events) / apply_seconds)
              << " events/s, including the group join); applied=" << stats.applied
              << " superseded=" << stats.superseded << " stale=" << stats.stale
              << " batches=" << stats.batches << std::endl;

    (void)core::kafka::deleteTopics(brokers, client, {topic, topic + "-DLQ"});
    pqxx::connection admin(admin_url);
    pqxx::nontransaction tx(admin);
    tx.exec("DROP DATABASE IF EXISTS " + tx.quote_name(db_name) + " WITH (FORCE)");
    return 0;
  });
}
