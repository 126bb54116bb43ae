#pragma once
// A relay batch read from the replication slot: whole committed transactions,
// their rows in commit order, and where each transaction ends. The slot may
// be confirmed only up to the end of the last transaction whose every row was
// delivered (and marked): a kill before that sends the rest again.

#include <cstddef>
#include <optional>
#include <vector>

#include "core/db/outbox_row.hpp"
#include "outbox/wal_decoder.hpp"

namespace outbox {

struct WalBatch {
  struct TransactionEnd {
    std::size_t rows = 0;  // the batch's rows up to and including this transaction
    Lsn end_lsn = 0;
  };
  std::vector<core::db::OutboxRow> rows;  // commit order, then insert order
  std::vector<TransactionEnd> ends;       // ascending

  void add(WalTransaction&& transaction);
  bool empty() const { return ends.empty(); }
};

// The end LSN of the last transaction of `batch` whose rows all lie within
// its first `delivered` rows; nullopt when not even the first one does.
std::optional<Lsn> confirmableLsn(const WalBatch& batch, std::size_t delivered);

}  // namespace outbox
