#include "core/kafka/metadata.hpp"

#include <memory>

#include "core/kafka/errors.hpp"

namespace core::kafka {

Status requestMetadata(RdKafka::Handle& handle, bool all_topics, int timeout_ms) {
  RdKafka::Metadata* raw = nullptr;
  const auto code = handle.metadata(all_topics, nullptr, &raw, timeout_ms);
  std::unique_ptr<RdKafka::Metadata> metadata(raw);
  if (code != RdKafka::ERR_NO_ERROR) return toError(code, "broker metadata");
  return {};
}

}  // namespace core::kafka
