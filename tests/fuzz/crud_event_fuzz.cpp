// libFuzzer target: the replication worker's decoder of CRUD topic messages.
// Whatever the bytes, parseChange either refuses them (a reason for the DLQ)
// or yields a change the replica can store as it is.

#include <cstdint>
#include <cstdlib>
#include <string>

#include "core/text/utf8.hpp"
#include "workers/replication/replica_change.hpp"

namespace {

void require(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  core::kafka::ConsumedMessage message;
  message.topic = "MICROSERVICE-CUSTOMER-UPDATES";
  message.payload.assign(reinterpret_cast<const char*>(data), size);
  // An empty key is accepted (the key check is tested apart).
  auto change = replication::parseChange(message);
  if (!change.ok()) {
    require(!change.error().message.empty());
    return 0;
  }
  const auto& row = change->row;
  require(row.id >= 1 && row.version >= 1);
  require(replication::validateRow(row).ok());
  for (const std::string& text :
       {row.name, row.phone, row.email, row.created_by, row.updated_by, change->event_id}) {
    require(core::text::isStorableText(text));
  }
  return 0;
}
