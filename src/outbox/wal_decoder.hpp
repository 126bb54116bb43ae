#pragma once
// pgoutput (protocol version 1, text tuples) messages to outbox rows, one
// committed transaction at a time. Pure: the bytes of one message in, a
// transaction out at its Commit; the replication connection
// (replication_connection.hpp) does the I/O. Only what the outbox
// publication sends matters: Begin, Relation, Insert, Commit. Origin, Type
// and logical Message are skipped; Update, Delete and Truncate are too (the
// publication is insert-only, sql/customers/0012).

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/db/outbox_row.hpp"
#include "core/result.hpp"

namespace outbox {

// A WAL position, as PostgreSQL's XLogRecPtr.
using Lsn = std::uint64_t;
std::string formatLsn(Lsn lsn);  // "16/B374D848", as pg_current_wal_lsn() shows it
std::optional<Lsn> parseLsn(std::string_view text);

struct WalTransaction {
  Lsn commit_lsn = 0;
  // The end of its commit record: once every row is delivered, the slot may
  // be confirmed up to here and the transaction is never sent again.
  Lsn end_lsn = 0;
  std::vector<core::db::OutboxRow> rows;  // in insert order (ids ascend within it)
};

class WalDecoder {
 public:
  // One pgoutput message, the payload of an XLogData. The transaction when
  // the message was its Commit. kInternal for bytes that are not a
  // well-formed message, or an insert that is not an outbox row.
  core::Result<std::optional<WalTransaction>> decode(std::string_view message);
  // Between a Begin and its Commit.
  bool inTransaction() const { return open_.has_value(); }
  // A new stream: it starts at a transaction boundary and sends the relations again.
  void reset();

 private:
  struct Relation {
    std::string name;
    // Position of each outbox column (OutboxColumn order) in the tuple; -1 if absent.
    std::vector<int> positions;
  };
  core::Result<std::optional<WalTransaction>> decodeChecked(std::string_view message);
  std::map<std::uint32_t, Relation> relations_;
  std::optional<WalTransaction> open_;
};

// A timestamptz in the text form of a session with DateStyle ISO
// ("2026-12-01 12:34:56.123456+00"), as microseconds since the epoch.
std::optional<std::int64_t> parsePgTimestamp(std::string_view text);

}  // namespace outbox
