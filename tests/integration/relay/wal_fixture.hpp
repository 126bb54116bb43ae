#pragma once
// outbox-relay --source wal in tests: a relay of a RelayFixture on a slot of
// its own (slots are cluster-wide), rows written in many transactions, and
// the per-customer order check.

#include <doctest/doctest.h>
#include <rapidjson/document.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "integration/relay/relay_fixture.hpp"
#include "support/child_process.hpp"

namespace testing {

// Creating a slot waits for every transaction of the cluster that holds an
// xid to end, and tests running beside this one may hold one for a while.
inline constexpr std::chrono::seconds kSlotWait{120};

struct Event {
  std::int64_t customer = 0;
  int version = 0;
};

inline Event decodeEvent(const core::kafka::ConsumedMessage& m) {
  rapidjson::Document doc;
  doc.Parse(m.payload.c_str());
  REQUIRE_MESSAGE((!doc.HasParseError() && doc.IsObject()), m.payload);
  return {doc["aggregate_id"].GetInt64(), doc["version"].GetInt()};
}

// The relay of `f` streaming its own slot (slots are cluster-wide).
class WalRelay {
 public:
  explicit WalRelay(const testing::RelayFixture& f) : f_(f), slot_(testing::uniqueName("slot")) {}
  std::vector<std::string> command(std::size_t batch_size = 100,
                                   const std::vector<std::string>& extra = {}) const {
    auto argv = f_.relayCommand(
        {"--source", "wal", "--slot", slot_, "--batch-size", std::to_string(batch_size)});
    argv.insert(argv.end(), extra.begin(), extra.end());
    return argv;
  }
  // The same with its status server on `port`.
  std::vector<std::string> commandWithStatus(std::uint16_t port,
                                             const std::vector<std::string>& extra = {}) const {
    auto argv = command(100, extra);
    for (std::size_t i = 0; i + 1 < argv.size(); ++i) {
      if (argv[i] == "--metrics-address") argv[i + 1] = "127.0.0.1:" + std::to_string(port);
    }
    return argv;
  }
  const std::string& slot() const { return slot_; }
  // As the test's superuser, before any relay ran: rows inserted from now on are streamed.
  void createSlot() const {
    f_.execute("SELECT pg_create_logical_replication_slot('" + slot_ + "', 'pgoutput')");
  }
  // Until `relay` streams the slot. Its log says so only once the slot is
  // created, and rows committed before that are not in the stream (while a
  // slot is being created it is already `active`, waiting for the
  // transactions that hold an xid anywhere in the cluster to end). A slot it
  // created is drained by query first (the polling mode's batches, where
  // rows after a refused one are sent again): until the log says that drain
  // is over, unless `until_drained` is false.
  bool waitStreaming(const testing::ChildProcess& relay, bool until_drained = true) const {
    return testing::waitUntil(
        [&]() {
          const auto log = relay.output();
          const bool drained =
              !until_drained || log.find("slot " + slot_ + " is new") == std::string::npos ||
              log.find("rows written before slot " + slot_ + " are out") != std::string::npos;
          return log.find("streaming replication slot " + slot_) != std::string::npos && drained &&
                 streaming();
        },
        kSlotWait);
  }
  bool streaming() const {
    return f_.scalar("SELECT count(*) FROM pg_replication_slots WHERE slot_name = '" + slot_ +
                     "' AND active") == 1;
  }
  std::string confirmedLsn() const {
    pqxx::connection c(f_.db().url());
    pqxx::nontransaction tx(c);
    return tx
        .exec1(
            "SELECT coalesce(confirmed_flush_lsn::text, '') FROM pg_replication_slots "
            "WHERE slot_name = " +
            tx.quote(slot_))[0]
        .as<std::string>();
  }

 private:
  const testing::RelayFixture& f_;
  std::string slot_;
};

// One outbox row of `customer`'s `version` on the CRUD topic (or `topic`),
// its payload padded with about `pad_bytes` of incompressible text.
inline void insertEvent(const RelayFixture& f, int customer, int version, int pad_bytes = 0,
                        const std::string& topic = "") {
  f.execute(
      "INSERT INTO outbox (topic, kafka_key, aggregate_type, aggregate_id, "
      "aggregate_version, event_type, payload) VALUES ('" +
      (topic.empty() ? f.topics().crud : topic) + "', '" + std::to_string(customer) +
      "', 'customer', " + std::to_string(customer) + ", " + std::to_string(version) +
      ", 'customer.updated', jsonb_build_object('aggregate_id', " + std::to_string(customer) +
      ", 'version', " + std::to_string(version) +
      ", 'pad', (SELECT coalesce(string_agg(md5(g::text), ''), '') FROM generate_series(1, " +
      std::to_string(pad_bytes / 32) + ") g)))");
}

// `customers` customers with versions 1..`versions`, one transaction per
// `per_transaction` rows, ids following (version, customer).
inline void insertInTransactions(const testing::RelayFixture& f, int customers, int versions,
                                 int per_transaction) {
  f.execute("DO $$ DECLARE v int; c int; BEGIN FOR v IN 1.." + std::to_string(versions) +
            " LOOP FOR c IN 0.." + std::to_string(customers / per_transaction - 1) +
            " LOOP INSERT INTO outbox (topic, kafka_key, aggregate_type, aggregate_id, "
            "aggregate_version, event_type, payload) SELECT '" +
            f.topics().crud +
            "', x::text, 'customer', x, v, 'customer.updated', jsonb_build_object('aggregate_id', "
            "x, 'version', v) FROM generate_series(c * " +
            std::to_string(per_transaction) + " + 1, (c + 1) * " + std::to_string(per_transaction) +
            ") AS g(x) ORDER BY g.x; COMMIT; END LOOP; END LOOP; "
            "END $$");
}

// Per customer: the versions in topic order, repeats dropped, are 1..versions.
inline void checkOrderPerCustomer(const std::vector<core::kafka::ConsumedMessage>& messages,
                                  int customers, int versions) {
  std::map<std::int64_t, std::vector<int>> first_seen;
  std::map<std::int64_t, std::set<int>> seen;
  for (const auto& m : messages) {
    const auto event = decodeEvent(m);
    REQUIRE(m.key == std::to_string(event.customer));
    if (seen[event.customer].insert(event.version).second) {
      first_seen[event.customer].push_back(event.version);
    }
  }
  REQUIRE(first_seen.size() == static_cast<std::size_t>(customers));
  for (const auto& [customer, order] : first_seen) {
    CAPTURE(customer);
    std::vector<int> expected(static_cast<std::size_t>(versions));
    for (int v = 1; v <= versions; ++v) expected[static_cast<std::size_t>(v - 1)] = v;
    CHECK(order == expected);
  }
}

}  // namespace testing
