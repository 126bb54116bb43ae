#pragma once
// The relay's rows when it runs with --source wal: whole committed outbox
// transactions, in commit order, from a logical replication slot
// (replication_connection.hpp, decoded by wal_decoder.hpp), and the
// confirmations that let the slot forget them. A failed batch closes the
// stream; opening it again resumes from the confirmed position, so whatever
// was not confirmed is sent again (at least once).

#include <chrono>
#include <cstddef>
#include <string>

#include "core/result.hpp"
#include "outbox/replication_connection.hpp"
#include "outbox/wal_batch.hpp"
#include "outbox/wal_decoder.hpp"

namespace outbox {

struct WalSourceOptions {
  std::string database_url;
  std::string slot = "outbox_relay";
  std::string publication = "outbox_inserts";
  // Standby status updates at least this often (the server's
  // wal_sender_timeout, 60 s by default, ends a silent client).
  std::chrono::milliseconds status_interval{10000};
};

class WalSource {
 public:
  explicit WalSource(WalSourceOptions options);

  // Connects, creates the slot if missing, starts streaming; nothing when
  // open. kConflict: another relay streams the slot.
  core::Status open();
  bool isOpen() const { return connection_.connected(); }
  void close();

  // Whole transactions until at least `max_rows` rows, or until no message
  // comes for a moment; waits up to `wait` in all for the first one. A transaction
  // is never split, so a batch may exceed `max_rows`.
  // Starts with what readAhead() took in.
  core::Result<WalBatch> read(std::size_t max_rows, std::chrono::milliseconds wait);
  // Takes in, without waiting, what the server has already sent, up to
  // `max_rows` rows held ahead; answers keepalives. Called while the relay
  // waits for the broker or the marks: a socket left unread stops the
  // walsender once the kernel's buffer is full (a Unix socket's holds ~100
  // rows), so decoding would not overlap the broker's round trip.
  core::Status readAhead(std::size_t max_rows);
  std::size_t rowsAhead() const { return ahead_.rows.size(); }
  // Every row up to `lsn` is delivered: tells the server at once.
  core::Status confirm(Lsn lsn);
  Lsn confirmed() const { return confirmed_; }

 private:
  // Sends the status update when the server asked for one or it is due
  // (read and readAhead call it: the relay only has to keep reading).
  core::Status keepAlive();
  // Handles one message; adds a finished transaction to `batch`.
  core::Status take(const ReplicationMessage& message, WalBatch& batch);

  WalSourceOptions options_;
  ReplicationConnection connection_;
  WalDecoder decoder_;
  WalBatch ahead_;      // whole transactions read ahead, not handed out yet
  Lsn confirmed_ = 0;   // 0 until this stream confirms something: the server keeps its own
  Lsn handed_out_ = 0;  // the end of the last transaction read
  bool reply_due_ = false;
  std::chrono::steady_clock::time_point last_status_{};
};

}  // namespace outbox
