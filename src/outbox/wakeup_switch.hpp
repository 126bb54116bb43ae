#pragma once
// Whether the leader asks the outbox insert trigger for NOTIFY wake-ups
// (sql/customers/0009_outbox_wakeup_on_demand.sql). A NOTIFY makes each
// inserting transaction hold PostgreSQL's cluster-wide notify lock through its
// commit's WAL flush, which lines up the API's commits one behind another. A
// relay that finds rows on every poll does not need waking, so it switches
// the wake-ups off while rows keep coming and back on once a few polls in a
// row found nothing. Pure: the relay stores what afterPass() returns.

#include <optional>

namespace outbox {

class WakeupSwitch {
 public:
  // Empty polls in a row before wake-ups are wanted again: with the 5 ms poll
  // interval doubling, about 20 ms without a row.
  static constexpr int kEmptyPollsBeforeWakeups = 3;

  // `listening`: whether this relay listens at all (--listen-notify). One that
  // does not never wants a NOTIFY, so the trigger need not pay for one.
  explicit WakeupSwitch(bool listening) : listening_(listening) {}

  // After a poll that found rows or not: the setting to store now, or nothing
  // when the stored one stands. The first call always says what to store.
  std::optional<bool> afterPoll(bool found_rows);
  // The stored setting is unknown (a new session, or storing it failed).
  void forget() { stored_.reset(); }

 private:
  bool listening_;
  // A relay starts as an idle one: wake-ups wanted from its first empty poll.
  int empty_polls_ = kEmptyPollsBeforeWakeups;
  std::optional<bool> stored_;
};

}  // namespace outbox
