#include "support/kafka_reader.hpp"

#include <doctest/doctest.h>

#include "support/kafka_identity.hpp"
#include "support/test_env.hpp"

namespace testing {

std::vector<core::kafka::ConsumedMessage> readTopic(const std::string& topic, std::size_t count,
                                                    std::chrono::milliseconds timeout,
                                                    std::chrono::milliseconds linger) {
  core::kafka::ConsumerOptions options;
  options.brokers = kafkaBrokers();
  options.group_id = uniqueName("it-reader");
  options.topics = {topic};
  options.extra = kafkaAdminProperties();
  auto consumer = core::kafka::Consumer::create(options);
  REQUIRE(consumer.ok());
  std::vector<core::kafka::ConsumedMessage> out;
  const auto take = [&]() {
    auto message = (*consumer)->poll(200);
    if (message.ok() && message->has_value()) out.push_back(std::move(**message));
  };
  waitUntil(
      [&]() {
        take();
        return out.size() >= count;
      },
      timeout, std::chrono::milliseconds(0));
  waitUntil(
      [&]() {
        take();
        return false;
      },
      linger, std::chrono::milliseconds(0));
  return out;
}

}  // namespace testing
