#pragma once
// One metadata round trip to the brokers, bounded by its timeout: the
// producer's warm-up and the readiness probes of producers and consumers.
// (Internal to core/kafka: it names librdkafka's handle type.)

#include <librdkafka/rdkafkacpp.h>

#include "core/result.hpp"

namespace core::kafka {

// all_topics: load every topic's metadata (a warm-up); else only ask a
// broker to answer (a probe, as cheap as a request gets).
Status requestMetadata(RdKafka::Handle& handle, bool all_topics, int timeout_ms);

}  // namespace core::kafka
