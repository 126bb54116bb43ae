#include "outbox/wal_source.hpp"

#include <spdlog/spdlog.h>

namespace outbox {

namespace {
// Once a batch has begun, it is handed over as soon as nothing more waits: a
// lone transaction goes out at once. Past kBurstRows rows the relay is
// draining a backlog, and waits for a quiet millisecond first: small batches
// cost a mark, a commit and a broker round trip each, and read over a Unix
// socket, where the server can write only ~100 rows ahead, a drain fell
// apart into batches of ~300 rows (bench/RESULTS.md, "WAL source over a Unix socket").
constexpr std::size_t kBurstRows = 100;
constexpr std::chrono::milliseconds kBurstQuiet{1};

std::chrono::milliseconds moreWait(const WalBatch& batch) {
  return batch.rows.size() >= kBurstRows ? kBurstQuiet : std::chrono::milliseconds(0);
}
}  // namespace

WalSource::WalSource(WalSourceOptions options)
    : options_(std::move(options)), connection_(options_.database_url) {}

core::Status WalSource::open() {
  if (connection_.connected()) return {};
  decoder_.reset();
  ahead_ = {};
  confirmed_ = handed_out_ = 0;
  reply_due_ = false;
  if (auto connected = connection_.connect(); !connected) return connected;
  auto created = connection_.ensureSlot(options_.slot);
  if (!created) {
    close();
    return created.error();
  }
  if (*created) spdlog::info("created replication slot {}", options_.slot);
  if (auto started = connection_.startStreaming(options_.slot, options_.publication); !started) {
    close();
    return started;
  }
  last_status_ = std::chrono::steady_clock::now();
  return {};
}

void WalSource::close() {
  connection_.close();
  decoder_.reset();
  ahead_ = {};  // the next stream resumes from the confirmed position
}

core::Result<WalBatch> WalSource::read(std::size_t max_rows, std::chrono::milliseconds wait) {
  WalBatch batch = std::move(ahead_);
  ahead_ = {};
  // The whole wait, not each message's: keepalives keep coming while the
  // server reads WAL of other tables (vacuum, the marks), and the caller must
  // get its turn (a stop request, the gauges) meanwhile.
  const auto deadline = std::chrono::steady_clock::now() + wait;
  auto wait_now = batch.empty() ? wait : moreWait(batch);
  while (batch.rows.size() < max_rows) {
    auto message = connection_.read(wait_now);
    if (!message) return message.error();
    if (!*message) break;  // nothing more for now; an open transaction waits in the decoder
    if (auto taken = take(**message, batch); !taken) return taken.error();
    // A keepalive to answer: now, not after another wait for data.
    if (reply_due_) {
      if (auto alive = keepAlive(); !alive) return alive.error();
    }
    if (!batch.empty()) {
      wait_now = moreWait(batch);
      continue;
    }
    wait_now = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (wait_now <= std::chrono::milliseconds::zero()) break;
  }
  if (!batch.empty()) handed_out_ = batch.ends.back().end_lsn;
  if (auto alive = keepAlive(); !alive) return alive.error();
  return batch;
}

core::Status WalSource::readAhead(std::size_t max_rows) {
  while (connection_.connected() && ahead_.rows.size() < max_rows) {
    auto message = connection_.read(std::chrono::milliseconds(0));
    if (!message) return message.error();
    if (!*message) break;
    if (auto taken = take(**message, ahead_); !taken) return taken.error();
  }
  return keepAlive();
}

core::Status WalSource::take(const ReplicationMessage& message, WalBatch& batch) {
  if (message.kind == ReplicationMessage::Kind::kKeepalive) {
    reply_due_ = reply_due_ || message.reply_requested;
    // Caught up and everything handed out is confirmed: the server's position
    // may be confirmed too, else the slot would hold WAL that other tables
    // and databases write while the outbox is quiet. Told at once (the
    // server sends such keepalives only when it waits for new WAL), not at
    // the next status interval: the slot would show up to 10 s of lag.
    if (batch.empty() && !decoder_.inTransaction() && handed_out_ <= confirmed_ &&
        message.wal_end > confirmed_) {
      confirmed_ = message.wal_end;
      reply_due_ = true;
    }
    return {};
  }
  auto decoded = decoder_.decode(message.data);
  if (!decoded) return decoded.error();
  if (*decoded) batch.add(std::move(**decoded));
  return {};
}

core::Status WalSource::confirm(Lsn lsn) {
  if (lsn <= confirmed_) return {};
  confirmed_ = lsn;
  last_status_ = std::chrono::steady_clock::now();
  reply_due_ = false;
  return connection_.sendStatus(confirmed_);
}

core::Status WalSource::keepAlive() {
  if (!connection_.connected()) return {};
  const auto now = std::chrono::steady_clock::now();
  if (!reply_due_ && now - last_status_ < options_.status_interval) return {};
  last_status_ = now;
  reply_due_ = false;
  // Before the first confirmation: 0 tells the server nothing new (it keeps
  // the slot's own confirmed position) but answers its keepalive.
  return connection_.sendStatus(confirmed_);
}

}  // namespace outbox
