#include "outbox/replication_connection.hpp"

#include <libpq-fe.h>
#include <poll.h>

#include <array>
#include <memory>

namespace outbox {

namespace {

using core::Error;
using core::ErrorKind;

// Microseconds between the Unix epoch and PostgreSQL's (2000-01-01).
constexpr std::int64_t kPgEpochOffsetMicros = 946684800LL * 1000000;

std::int64_t pgNowMicros() {
  const auto since_unix = std::chrono::duration_cast<std::chrono::microseconds>(
                              std::chrono::system_clock::now().time_since_epoch())
                              .count();
  return since_unix - kPgEpochOffsetMicros;
}

std::uint64_t readUint64(const char* bytes) {
  std::uint64_t value = 0;
  for (int i = 0; i < 8; ++i) value = (value << 8) | static_cast<unsigned char>(bytes[i]);
  return value;
}

void writeUint64(char* bytes, std::uint64_t value) {
  for (int i = 7; i >= 0; --i) {
    bytes[i] = static_cast<char>(value & 0xff);
    value >>= 8;
  }
}

struct ResultDeleter {
  void operator()(PGresult* result) const { PQclear(result); }
};
using ResultPtr = std::unique_ptr<PGresult, ResultDeleter>;

std::string sqlState(const PGresult* result) {
  const char* state = PQresultErrorField(result, PG_DIAG_SQLSTATE);
  return state ? state : "";
}

// An identifier for a replication command: the flags allow only [a-z0-9_].
std::string quoted(const std::string& name) {
  return "\"" + name + "\"";
}

}  // namespace

ReplicationConnection::ReplicationConnection(std::string database_url)
    : database_url_(std::move(database_url)) {}

ReplicationConnection::~ReplicationConnection() {
  close();
}

void ReplicationConnection::close() {
  if (conn_) PQfinish(conn_);
  conn_ = nullptr;
}

Error ReplicationConnection::failure(const std::string& what) const {
  std::string message = conn_ ? PQerrorMessage(conn_) : "";
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  return Error{ErrorKind::kUnavailable, what + ": " + message};
}

core::Status ReplicationConnection::connect() {
  if (conn_) return {};
  // The URL first, then the settings that the decoder relies on: ISO
  // timestamps in UTC (pgoutput sends values in the walsender's text form).
  const std::array<const char*, 5> keys = {"dbname", "replication", "application_name", "options",
                                           nullptr};
  const std::array<const char*, 5> values = {database_url_.c_str(), "database", "outbox-relay-wal",
                                             "-c DateStyle=ISO -c TimeZone=UTC", nullptr};
  conn_ = PQconnectdbParams(keys.data(), values.data(), 1);
  if (conn_ && PQstatus(conn_) == CONNECTION_OK) return {};
  auto error = failure("replication connection");
  // A refusal (authentication, the REPLICATION attribute) does not pass by waiting.
  if (error.message.find("permission denied") != std::string::npos ||
      error.message.find("must be superuser or replication role") != std::string::npos) {
    error.kind = ErrorKind::kPermanent;
  }
  close();
  return error;
}

core::Result<bool> ReplicationConnection::ensureSlot(const std::string& slot) {
  if (!conn_) return Error{ErrorKind::kUnavailable, "replication connection is not open"};
  // A walsender of a logical connection also runs plain SQL (simple protocol only).
  const std::string exists_sql =
      "SELECT plugin FROM pg_replication_slots WHERE slot_name = '" + slot + "'";
  ResultPtr exists(PQexec(conn_, exists_sql.c_str()));
  if (PQresultStatus(exists.get()) != PGRES_TUPLES_OK) return failure("looking up slot " + slot);
  if (PQntuples(exists.get()) > 0) {
    const std::string plugin = PQgetvalue(exists.get(), 0, 0);
    if (plugin != "pgoutput") {
      return Error{ErrorKind::kPermanent,
                   "replication slot " + slot + " uses plugin " + plugin + ", not pgoutput"};
    }
    return false;
  }
  const std::string create =
      "CREATE_REPLICATION_SLOT " + quoted(slot) + " LOGICAL pgoutput NOEXPORT_SNAPSHOT";
  ResultPtr created(PQexec(conn_, create.c_str()));
  if (PQresultStatus(created.get()) == PGRES_TUPLES_OK) return true;
  if (sqlState(created.get()) == "42710") return false;  // another relay made it meanwhile
  return failure("creating replication slot " + slot);
}

core::Status ReplicationConnection::startStreaming(const std::string& slot,
                                                   const std::string& publication) {
  if (!conn_) return Error{ErrorKind::kUnavailable, "replication connection is not open"};
  // 0/0: from the slot's confirmed flush position.
  const std::string start = "START_REPLICATION SLOT " + quoted(slot) +
                            " LOGICAL 0/0 (proto_version '1', publication_names '" +
                            quoted(publication) + "')";
  ResultPtr started(PQexec(conn_, start.c_str()));
  if (PQresultStatus(started.get()) == PGRES_COPY_BOTH) return {};
  auto error = failure("starting replication from slot " + slot);
  // 55006 object_in_use: another walsender streams this slot.
  if (sqlState(started.get()) == "55006") error.kind = ErrorKind::kConflict;
  if (sqlState(started.get()) == "42704") error.kind = ErrorKind::kPermanent;  // no publication
  return error;
}

core::Result<std::optional<ReplicationMessage>> ReplicationConnection::read(
    std::chrono::milliseconds wait) {
  if (!conn_) return Error{ErrorKind::kUnavailable, "replication connection is not open"};
  const std::optional<ReplicationMessage> kNothing;
  char* buffer = nullptr;
  int size = PQgetCopyData(conn_, &buffer, 1);
  if (size == 0) {
    pollfd socket{PQsocket(conn_), POLLIN, 0};
    if (::poll(&socket, 1, static_cast<int>(wait.count())) < 0) return kNothing;
    if (PQconsumeInput(conn_) == 0) return failure("replication stream");
    size = PQgetCopyData(conn_, &buffer, 1);
    if (size == 0) return kNothing;
  }
  if (size == -1) {
    ResultPtr ended(PQgetResult(conn_));
    return Error{ErrorKind::kUnavailable, std::string("the server ended the replication stream: ") +
                                              (ended ? PQresultErrorMessage(ended.get()) : "")};
  }
  if (size < 0) return failure("replication stream");
  const std::unique_ptr<char, decltype(&PQfreemem)> owned(buffer, &PQfreemem);
  const auto length = static_cast<std::size_t>(size);
  ReplicationMessage message;
  if (buffer[0] == 'w' && length >= 25) {
    // XLogData: start, end, send time, then the plugin's message.
    message.kind = ReplicationMessage::Kind::kData;
    message.wal_end = readUint64(buffer + 9);
    message.data.assign(buffer + 25, length - 25);
  } else if (buffer[0] == 'k' && length >= 18) {
    // Primary keepalive: end, send time, reply requested.
    message.kind = ReplicationMessage::Kind::kKeepalive;
    message.wal_end = readUint64(buffer + 1);
    message.reply_requested = buffer[17] != 0;
  } else {
    return Error{ErrorKind::kInternal,
                 std::string("unexpected replication message '") + buffer[0] + "'"};
  }
  return std::optional<ReplicationMessage>(std::move(message));
}

core::Status ReplicationConnection::sendStatus(Lsn flushed) {
  if (!conn_) return Error{ErrorKind::kUnavailable, "replication connection is not open"};
  // 'r', written, flushed, applied, the client's clock, no reply wanted.
  std::array<char, 34> update{};
  update[0] = 'r';
  writeUint64(update.data() + 1, flushed);
  writeUint64(update.data() + 9, flushed);
  writeUint64(update.data() + 17, flushed);
  writeUint64(update.data() + 25, static_cast<std::uint64_t>(pgNowMicros()));
  update[33] = 0;
  if (PQputCopyData(conn_, update.data(), static_cast<int>(update.size())) != 1 ||
      PQflush(conn_) != 0) {
    return failure("sending the standby status update");
  }
  return {};
}

}  // namespace outbox
