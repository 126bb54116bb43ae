#pragma once
// The rules of one relay batch, decided without I/O so that they are unit
// tested (the relay does the I/O: relay_batch.cpp). Before producing: which
// rows are sent, parked or held back. Once the delivery reports are in: which
// rows are marked published, and where marking stops.
//
// - A row too large for the broker is parked without being sent, and the
//   later rows of its key in the batch are held back with it (in later
//   batches the database holds them back: OutboxSession::pending).
// - Only the persisted prefix of the sent rows is marked: up to, not
//   including, the first row whose report is missing or says "not
//   persisted". Whatever follows it, of any customer, is read and sent again,
//   so the rows a failure leaves unmarked are always a suffix of the id order
//   and each customer's order holds.

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/db/outbox_row.hpp"
#include "core/kafka/producer.hpp"
#include "core/result.hpp"
#include "outbox/outbox_session.hpp"

namespace outbox {

enum class RowAction {
  kSend,
  kPark,  // too large for the broker: parked, never sent
  kHold,  // a row of its key was parked earlier in this batch, or (wal) its customer is held
  kSkip,  // --source wal: already published, by a query (the stream brings it again)
};

struct RowStep {
  const core::db::OutboxRow* row = nullptr;
  RowAction action = RowAction::kSend;
  std::string why;  // kPark: the error stored with the row
};

// --source wal: the rows the stream brings that the relay must not send.
struct StreamHolds {
  // Customers whose rows wait in the outbox behind a parked or refused row:
  // the relay publishes them by query once that row is resolved.
  const std::set<Aggregate>* held = nullptr;
  const std::set<std::int64_t>* published = nullptr;  // ids published by such a query
};

// One step per row, in the rows' order (id order when polled, commit order
// from the stream). A row is too large when its payload and key exceed
// `max_message_bytes`.
std::vector<RowStep> planSends(const std::vector<core::db::OutboxRow>& rows,
                               std::size_t max_message_bytes, const StreamHolds& holds = {});

// Whether to read the next batch while this one waits for its reports: only
// for a full batch (more is probably waiting) sent whole (the read leaves out
// exactly the batch's ids, and is used only if all of them are marked).
bool mayReadAhead(std::size_t rows, std::size_t sent, std::size_t batch_size);

// The first sent row that the broker did not persist.
struct Undelivered {
  std::int64_t id = 0;
  // Why, from its delivery report; empty when no report came back (the
  // deadline passed, the producer failed fatally, or the relay is stopping).
  std::optional<core::Error> refusal;
  // A permanent refusal counts as a failed attempt: the row holds back its
  // customer's later rows, and is parked once the attempts reach the limit.
  bool refusedForGood() const;
};

struct MarkPlan {
  std::vector<PublishedMark> marks;  // the persisted prefix, in id order
  std::map<std::string, std::uint64_t> marked_per_topic;
  std::optional<Undelivered> stopped_at;  // set: nothing from this row on is marked
};

// `sent`: the rows produced, in id order; `reports`: delivery reports by
// outbox id (reports of rows not in `sent` are ignored).
MarkPlan planMarks(const std::vector<const core::db::OutboxRow*>& sent,
                   const std::map<std::int64_t, core::kafka::DeliveryReport>& reports);

// --source wal: how many leading rows of the batch (`steps`, one per row) are
// done with, so that the slot may be confirmed past them: marked, parked,
// held (they wait in the outbox) or skipped. It stops at the first sent row
// the plan did not mark, and at a park in `unrecorded` (the database did not
// take it).
std::size_t settledRows(const std::vector<RowStep>& steps, const MarkPlan& plan,
                        const std::set<std::int64_t>& unrecorded);

}  // namespace outbox
