#pragma once
// Reads the partitions' high watermarks for the consumer-lag gauge. The core
// consumer wrapper does not expose them, so this keeps a small librdkafka
// handle of its own (errors become core::Error here, as in core/kafka).

#include <cstdint>
#include <memory>
#include <string>

#include "core/kafka/properties.hpp"
#include "core/result.hpp"

namespace replication {

class WatermarkReader {
 public:
  static core::Result<std::unique_ptr<WatermarkReader>> create(
      const std::string& brokers, const core::kafka::Properties& extra);
  ~WatermarkReader();
  WatermarkReader(const WatermarkReader&) = delete;
  WatermarkReader& operator=(const WatermarkReader&) = delete;

  // The offset the next produced message of topic/partition will get.
  core::Result<std::int64_t> highWatermark(const std::string& topic, std::int32_t partition,
                                           int timeout_ms);

 private:
  struct Impl;
  explicit WatermarkReader(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace replication
