#include "outbox/wal_batch.hpp"

#include <iterator>

namespace outbox {

void WalBatch::add(WalTransaction&& transaction) {
  rows.insert(rows.end(), std::make_move_iterator(transaction.rows.begin()),
              std::make_move_iterator(transaction.rows.end()));
  ends.push_back({rows.size(), transaction.end_lsn});
}

std::optional<Lsn> confirmableLsn(const WalBatch& batch, std::size_t delivered) {
  std::optional<Lsn> lsn;
  for (const auto& end : batch.ends) {
    if (end.rows > delivered) break;
    lsn = end.end_lsn;
  }
  return lsn;
}

}  // namespace outbox
