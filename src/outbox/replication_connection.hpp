#pragma once
// A logical replication connection (libpq, replication=database): creates the
// slot if it is missing, streams it with the pgoutput plugin, and sends the
// standby status updates that confirm what the relay delivered. libpqxx
// cannot open replication connections, hence raw libpq here and nowhere else.
// Not thread-safe: one thread (the relay's loop) uses it.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "core/result.hpp"
#include "outbox/wal_decoder.hpp"

struct pg_conn;

namespace outbox {

// One CopyData message from the server.
struct ReplicationMessage {
  enum class Kind { kData, kKeepalive };
  Kind kind = Kind::kData;
  Lsn wal_end = 0;               // the server's position when it sent this
  bool reply_requested = false;  // keepalive: answer now or be disconnected
  std::string data;              // kData: one pgoutput message
};

class ReplicationConnection {
 public:
  explicit ReplicationConnection(std::string database_url);
  ~ReplicationConnection();
  ReplicationConnection(const ReplicationConnection&) = delete;
  ReplicationConnection& operator=(const ReplicationConnection&) = delete;

  // kUnavailable when the server cannot be reached; kPermanent when it refuses
  // (e.g. the role lacks REPLICATION).
  core::Status connect();
  bool connected() const { return conn_ != nullptr; }
  void close();

  // Creates the pgoutput slot unless it exists; true when it was created now.
  core::Result<bool> ensureSlot(const std::string& slot);
  // START_REPLICATION from the slot's confirmed position. kConflict when
  // another connection streams the slot (the leader's).
  core::Status startStreaming(const std::string& slot, const std::string& publication);
  // The next message, waiting up to `wait`; nullopt when none came.
  core::Result<std::optional<ReplicationMessage>> read(std::chrono::milliseconds wait);
  // Standby status update: everything up to `flushed` is done with.
  core::Status sendStatus(Lsn flushed);

 private:
  core::Error failure(const std::string& what) const;
  std::string database_url_;
  pg_conn* conn_ = nullptr;
};

}  // namespace outbox
