#pragma once
// Cluster administration used by start-up checks, setup scripts and tests.

#include <string>
#include <vector>

#include "core/kafka/properties.hpp"
#include "core/result.hpp"

namespace core::kafka {

struct TopicSpec {
  std::string name;
  int partitions = 1;
  int replication_factor = 1;
  Properties config;  // topic-level settings, e.g. max.message.bytes
};

// `client` in each: librdkafka properties of the caller's identity
// (core/kafka/security.hpp), e.g. the SASL login of pipeline-admin.

// Creates the topics that do not exist yet; existing ones are left alone.
Status createTopics(const std::string& brokers, const Properties& client,
                    const std::vector<TopicSpec>& topics, int timeout_ms = 30000);

Status deleteTopics(const std::string& brokers, const Properties& client,
                    const std::vector<std::string>& topics, int timeout_ms = 30000);

// Asks the cluster for its metadata: the start-up reachability check. A
// refused login says so ("SASL authentication error: ...").
Status checkBrokers(const std::string& brokers, const Properties& client, int timeout_ms = 5000);

}  // namespace core::kafka
