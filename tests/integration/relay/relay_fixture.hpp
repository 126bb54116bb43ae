#pragma once
// An outbox database (migrated), two fresh topics, writers that go through the
// API's own store, and a reader of what reached Kafka.

#include <doctest/doctest.h>

#include <map>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "api/customer_store.hpp"
#include "core/db/migrator.hpp"
#include "core/db/pool.hpp"
#include "core/json/codec.hpp"
#include "core/kafka/admin.hpp"
#include "core/kafka/consumer.hpp"
#include "outbox/relay.hpp"
#include "support/kafka_identity.hpp"
#include "support/kafka_reader.hpp"
#include "support/test_env.hpp"

namespace testing {

class RelayFixture {
 public:
  RelayFixture() : db_("it_relay"), topics_{uniqueName("it-crud"), uniqueName("it-mail")} {
    pqxx::connection c(db_.url());
    auto files = core::db::loadMigrations(sourcePath("sql/customers"));
    REQUIRE(core::db::migrate(c, *files).ok());
    auto created =
        core::kafka::createTopics(kafkaBrokers(), kafkaAdminProperties(),
                                  {{topics_.crud, 1, 1, {}}, {topics_.notification, 1, 1, {}}});
    REQUIRE_MESSAGE(created.ok(), (created.ok() ? std::string() : created.error().message));
    // The relay processes below run as outbox-relay, with its production grants.
    core::kafka::PipelineNames names;
    names.crud_topic = topics_.crud;
    names.notification_topic = topics_.notification;
    grantPipelineAcls(names);
    pool_ = std::make_unique<core::db::ConnectionPool>(core::db::PoolOptions{
        db_.urlAs(Role::kApi), 8, std::chrono::seconds(10), 5,
        [](pqxx::connection& conn) { api::CustomerStore::prepareStatements(conn); }});
    store_ = std::make_unique<api::CustomerStore>(*pool_, topics_, metrics_);
  }
  ~RelayFixture() {
    (void)core::kafka::deleteTopics(kafkaBrokers(), kafkaAdminProperties(),
                                    {topics_.crud, topics_.notification});
  }

  outbox::RelayOptions relayOptions() const {
    outbox::RelayOptions o;
    o.database_url = db_.urlAs(Role::kRelay);
    o.brokers = kafkaBrokers();
    o.kafka_properties = kafkaAdminProperties();
    o.lock_key = std::hash<std::string>{}(db_.name()) & 0x7fffffffffffLL;  // per test
    o.delivery_timeout = std::chrono::seconds(30);
    o.standby_interval = std::chrono::milliseconds(200);
    return o;
  }

  // The outbox-relay executable on this fixture's database, brokers and lock
  // key, logged in as outbox-relay, without a status server, followed by `flags`.
  std::vector<std::string> relayCommand(const std::vector<std::string>& flags) const {
    const auto options = relayOptions();
    std::vector<std::string> argv = {binaryPath("src/outbox/outbox-relay"),
                                     "--database-url",
                                     options.database_url,
                                     "--brokers",
                                     options.brokers,
                                     "--lock-key",
                                     std::to_string(options.lock_key),
                                     "--metrics-address",
                                     ""};
    const auto identity = kafkaIdentityFlags("outbox-relay");
    argv.insert(argv.end(), identity.begin(), identity.end());
    argv.insert(argv.end(), flags.begin(), flags.end());
    return argv;
  }

  std::int64_t createCustomer(int n) {
    auto created =
        store_->create({"Customer " + std::to_string(n), "555 0" + std::to_string(10000 + n),
                        "c" + std::to_string(n) + "@example.com"},
                       "test", std::nullopt);
    REQUIRE_MESSAGE(created.ok(), (created.ok() ? std::string() : created.error().message));
    return created->customer.id;
  }
  void renameCustomer(std::int64_t id, const std::string& name) {
    auto updated = store_->update(id, {name, std::nullopt, std::nullopt}, std::nullopt, "test");
    REQUIRE_MESSAGE(updated.ok(), (updated.ok() ? std::string() : updated.error().message));
  }

  long long scalar(const std::string& sql) const {
    pqxx::connection c(db_.url());
    pqxx::nontransaction tx(c);
    return tx.exec1(sql)[0].as<long long>();
  }
  long long unpublished() const {
    return scalar("SELECT count(*) FROM outbox WHERE published_at IS NULL");
  }
  void execute(const std::string& sql) const {
    pqxx::connection c(db_.url());
    pqxx::nontransaction tx(c);
    tx.exec(sql);
  }
  // Parks a row the way the relay does after the broker refused it for good.
  void park(std::int64_t id, const std::string& error = "Broker: Message size too large") const {
    pqxx::connection c(db_.url());
    pqxx::nontransaction tx(c);
    tx.exec("UPDATE outbox SET parked_at = clock_timestamp(), attempts = 5, last_error = " +
            tx.quote(error) + " WHERE id = " + std::to_string(id));
  }
  // Publishes everything pending in-process (--once); fails the test if it cannot.
  void publishAll() const {
    core::metrics::Registry metrics;
    auto done = outbox::Relay(relayOptions(), metrics).runOnce(std::chrono::seconds(10));
    REQUIRE_MESSAGE(done.ok(), (done.ok() ? std::string() : done.error().message));
  }

  // Runs the built outbox-relay: `words` (a command, or nothing for the
  // daemon) then this database's URL, then `flags`; output is stdout+stderr.
  testing::CommandResult relayCommand(const std::string& words,
                                      const std::string& flags = "") const {
    return runCommand(binaryPath("src/outbox/outbox-relay") + " " + words + " --database-url '" +
                      db_.urlAs(Role::kRelay) + "' " + flags);
  }

  // customer id -> versions in topic order; fails the test on a bad payload.
  static std::map<std::int64_t, std::vector<int>> versionsByCustomer(
      const std::vector<core::kafka::ConsumedMessage>& messages) {
    std::map<std::int64_t, std::vector<int>> out;
    for (const auto& m : messages) {
      auto event = core::json::decodeCrudEvent(m.payload);
      REQUIRE_MESSAGE(event.ok(), (event.ok() ? std::string() : event.error().message));
      CHECK(m.key == std::to_string(event->aggregate_id));
      out[event->aggregate_id].push_back(event->version);
    }
    return out;
  }

  static std::optional<std::string> header(const core::kafka::ConsumedMessage& m,
                                           const std::string& name) {
    for (const auto& [key, value] : m.headers) {
      if (key == name) return value;
    }
    return std::nullopt;
  }

  const api::EventTopics& topics() const { return topics_; }
  const TempDatabase& db() const { return db_; }

 private:
  TempDatabase db_;
  api::EventTopics topics_;
  core::metrics::Registry metrics_;
  std::unique_ptr<core::db::ConnectionPool> pool_;
  std::unique_ptr<api::CustomerStore> store_;
};

}  // namespace testing
