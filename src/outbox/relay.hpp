#pragma once
// The publishing loop: become leader, read pending rows in id order, produce
// them with an idempotent producer, wait for the delivery reports, mark what
// the broker persisted (up to the first failure) on the lock-holding session,
// repeat. Never an "id > last seen" cursor: every poll re-reads whatever is
// still unpublished, so a transaction that committed late is simply picked up
// by a later poll.

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "core/kafka/producer.hpp"
#include "core/metrics/registry.hpp"
#include "core/runtime/readiness.hpp"
#include "core/runtime/state_log.hpp"
#include "core/runtime/stop_signal.hpp"
#include "outbox/backlog_probe.hpp"
#include "outbox/batch_plan.hpp"
#include "outbox/mark_ahead.hpp"
#include "outbox/outbox_session.hpp"
#include "outbox/read_ahead.hpp"
#include "outbox/relay_metrics.hpp"
#include "outbox/wakeup_switch.hpp"
#include "outbox/wal_source.hpp"

namespace outbox {

struct RelayOptions {
  std::string database_url;
  std::string brokers;
  core::kafka::Properties kafka_properties;  // -X overrides
  // A cap: under steady load batches are small. Large batches pay the
  // per-batch round trips (read, acks, mark) less often when draining a backlog.
  std::size_t batch_size = 5000;
  std::chrono::milliseconds poll_interval{5};        // while rows keep coming
  std::chrono::milliseconds idle_interval{250};      // ceiling of the back-off when idle
  std::chrono::milliseconds standby_interval{1000};  // how often a standby tries the lock
  std::chrono::milliseconds delivery_timeout{120000};
  std::int64_t lock_key = 0x6f7574626f78LL;  // "outbox"
  int max_attempts = 5;                      // before a failing row is parked
  std::size_t max_message_bytes = 1000000;   // larger rows are parked without sending
  bool listens = true;  // a NotifyListener wakes it (--listen-notify): see wakeup_switch.hpp
  // Where pending rows come from: polls of the outbox (the default) or a
  // logical replication slot (wal_source.hpp, README "WAL source").
  enum class Source { kPoll, kWal };
  Source source = Source::kPoll;
  std::string slot = "outbox_relay";
  std::string publication = "outbox_inserts";
  // /readyz fails while the slot keeps more WAL than this (0: never).
  std::int64_t max_slot_retained_bytes = 1024LL * 1024 * 1024;
};

enum class PassResult {
  kIdle,     // nothing was pending
  kDrained,  // published a partial batch: probably nothing more right now
  kMore,     // published a full batch: more is likely waiting
  kFailed,   // something failed; the unmarked rows are read again next time
};

class Relay {
 public:
  Relay(RelayOptions options, core::metrics::Registry& metrics);
  ~Relay();

  // Daemon: runs until stop(); standby until it holds the lock.
  void run();
  // --once: waits for leadership (up to `lock_wait`), publishes until nothing is
  // pending, returns whether everything went out.
  core::Status runOnce(std::chrono::milliseconds lock_wait);
  void stop();
  // A hint that rows may be waiting (LISTEN/NOTIFY): an idle relay polls now.
  // Standby and failure back-off sleeps ignore it.
  void wake();

  bool isLeader() const { return leader_; }
  // Empty when healthy, else what is wrong (for /readyz).
  std::string problem() const { return readiness_.problem(); }

 private:
  // One batch (relay_batch.cpp): read, plan, produce, wait for the reports, mark.
  PassResult publishBatch();
  PassResult publishPolledBatch();
  struct Sent {
    std::vector<const core::db::OutboxRow*> rows;  // produced, in the batch's order
    bool failed = false;                      // a produce failed, or a park could not be recorded
    std::set<std::int64_t> unrecorded_parks;  // parks the database did not take
  };
  struct Reports {
    std::map<std::int64_t, core::kafka::DeliveryReport> by_id;
    bool fatal = false;  // the producer failed for good: it is recreated
  };
  // After send(): the reports, the marks of the persisted prefix, the refusal.
  struct Finished {
    MarkPlan plan;
    bool fatal = false;
    bool marked = false;  // false: marking failed and leadership was given up
    const core::db::OutboxRow* refused_for_good = nullptr;  // its refusal was counted
    std::chrono::steady_clock::time_point acked{};          // when the reports were in
    bool failed(const Sent& sent) const { return sent.failed || fatal || plan.stopped_at; }
  };
  // The read-ahead rows when there are some (`read_ahead` says so), else a poll.
  core::Result<std::vector<core::db::OutboxRow>> readBatch(bool& read_ahead);
  Sent send(const std::vector<RowStep>& steps);
  // `mark_now` false: the caller marks (--source wal, MarkAhead).
  Finished finish(const Sent& sent, bool mark_now = true);
  bool produce(const core::db::OutboxRow& row);
  bool park(const core::db::OutboxRow& row, const std::string& why);
  Reports awaitReports(const std::vector<const core::db::OutboxRow*>& sent);
  // True when it counted a refusal for good.
  bool noteUndelivered(const Undelivered& row);
  // The batch's phases at debug level (bench/relay reads them).
  void logBatch(const char* source, std::size_t rows,
                const std::array<std::chrono::steady_clock::time_point, 3>& started_read_produced,
                const Finished& finished);
  // The database failed under the batch: leadership (and the stream) go.
  PassResult databaseFailed(const std::string& what, const std::string& why);

  // --source wal (relay_wal.cpp). Opens the stream; first records that a
  // slot about to be created needs a polling drain, and loads the held customers.
  core::Status openStream();
  // One batch of whole transactions from the stream; first the drains.
  PassResult publishStreamBatch();
  // Rows a query read while the stream runs (the drains): published as in
  // polling mode; the stream skips them when it brings them again.
  PassResult publishQueried(const std::vector<core::db::OutboxRow>& rows);
  // Every unpublished row, before a new slot streams anything.
  PassResult drainForNewSlot();
  // The held customers' rows once their parked or refused row is resolved.
  PassResult drainHeld();
  // Holds the customers of rows parked or refused in `steps`/`finished`.
  bool holdCustomersOf(const std::vector<RowStep>& steps, const Sent& sent,
                       const Finished& finished);
  // Waits for the marks in flight and confirms the slot as far as they allow.
  bool confirmMarked();

  // The leader lock, and with --source wal the open stream.
  core::Status ensureLeadership();
  core::Status takeLock();
  // --source wal, also while acks or marks are awaited: the standby status
  // update when due, and what the server already sent read ahead.
  void tendStream();
  core::Status ensureProducer();
  void loseLeadership(const std::string& why);
  // Stores the wake-up wish after a poll; true when it just turned wake-ups on.
  bool switchWakeups(bool found_rows);
  // The backlog gauges: a probe at most every 5 s, on its own session in the
  // background (BacklogProbe); its reading applied when it is in. From the
  // loop and while acks are awaited.
  void refreshBacklog();
  // --source wal, with the backlog: the slot's retained WAL (gauge, readiness).
  void noteSlotRetention(const std::optional<SlotRetention>& slot);
  // Asks the brokers for metadata, at most every couple of seconds, even
  // while idle or waiting for acks: /readyz follows Kafka within seconds.
  void probeBrokers();

  RelayOptions options_;
  std::atomic<bool> leader_{false};
  RelayMetrics metrics_;
  OutboxSession session_;
  ReadAhead read_ahead_;  // the next batch, read while a full one is in flight
  WakeupSwitch wakeups_;
  std::unique_ptr<core::kafka::Producer> producer_;
  std::unique_ptr<WalSource> wal_;  // --source wal only
  WalBatch wal_batch_;              // the transactions of the batch in flight
  MarkAhead mark_ahead_;            // the previous batch's marks, written meanwhile
  BacklogProbe backlog_probe_;
  // --source wal: customers whose rows wait in the outbox (mirrored in
  // outbox_relay_held), the highest id published by a query (the stream's rows
  // up to it are checked before they are sent), and the drains' schedule.
  std::set<Aggregate> held_;
  std::int64_t drained_up_to_ = 0;
  bool slot_drain_due_ = false;
  std::chrono::steady_clock::time_point next_held_drain_{};
  std::chrono::milliseconds held_drain_interval_{0};
  // Sleeps of the loop end on stop(); an idle or drained leader's also on
  // wake() (a wake() during a batch is kept for the next sleep).
  core::runtime::StopSignal stop_;
  core::runtime::StateLog state_log_;
  // The loop logs its own state, so readiness changes are not logged again.
  core::runtime::Readiness readiness_{{"database", "kafka"}, false};
  std::chrono::steady_clock::time_point last_backlog_{};
  std::chrono::steady_clock::time_point last_probe_{};
};

}  // namespace outbox
