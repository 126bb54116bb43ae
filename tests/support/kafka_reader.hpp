#pragma once
// Reading what landed on a topic, for tests that check what a component
// produced (a throwaway consumer group, from the beginning).

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include "core/kafka/consumer.hpp"

namespace testing {

// Everything on `topic` from the beginning, until `count` messages arrived or
// `timeout` passed; then `linger` longer, to catch extras (duplicates beyond
// `count`, or messages that should not be there at all).
std::vector<core::kafka::ConsumedMessage> readTopic(
    const std::string& topic, std::size_t count,
    std::chrono::milliseconds timeout = std::chrono::seconds(60),
    std::chrono::milliseconds linger = std::chrono::milliseconds(1000));

}  // namespace testing
