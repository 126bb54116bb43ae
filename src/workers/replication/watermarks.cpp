#include "workers/replication/watermarks.hpp"

#include <librdkafka/rdkafkacpp.h>

#include "core/kafka/errors.hpp"

namespace replication {

struct WatermarkReader::Impl {
  std::unique_ptr<RdKafka::Producer> handle;  // any handle type can query watermarks
};

WatermarkReader::WatermarkReader(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
WatermarkReader::~WatermarkReader() = default;

core::Result<std::unique_ptr<WatermarkReader>> WatermarkReader::create(
    const std::string& brokers, const core::kafka::Properties& extra) {
  core::kafka::Properties properties = {{"bootstrap.servers", brokers},
                                        {"client.id", "replication-worker-lag"}};
  // Only the connection-level overrides matter here (security, timeouts);
  // consumer-only properties would merely log warnings, so they are skipped.
  for (const auto& [key, value] : extra) {
    if (key.rfind("security.", 0) == 0 || key.rfind("sasl.", 0) == 0 ||
        key.rfind("ssl.", 0) == 0 || key.rfind("socket.", 0) == 0 ||
        key == "bootstrap.servers") {
      properties.emplace_back(key, value);
    }
  }
  auto conf = core::kafka::makeConf(properties);
  if (!conf) return conf.error();
  auto impl = std::make_unique<Impl>();
  std::string error;
  impl->handle.reset(RdKafka::Producer::create(conf->get(), error));
  if (!impl->handle) {
    return core::Error{core::ErrorKind::kInvalidArgument,
                       "cannot create the Kafka handle for lag: " + error};
  }
  return std::unique_ptr<WatermarkReader>(new WatermarkReader(std::move(impl)));
}

core::Result<std::int64_t> WatermarkReader::highWatermark(const std::string& topic,
                                                          std::int32_t partition, int timeout_ms) {
  std::int64_t low = 0;
  std::int64_t high = 0;
  const auto code =
      impl_->handle->query_watermark_offsets(topic, partition, &low, &high, timeout_ms);
  if (code != RdKafka::ERR_NO_ERROR) {
    return core::kafka::toError(code, "watermarks of " + topic + "/" + std::to_string(partition));
  }
  return high;
}

}  // namespace replication
