#pragma once
// librdkafka configuration: named properties, the -X key=value flag syntax,
// and building an RdKafka::Conf with errors as values.

#include <librdkafka/rdkafkacpp.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/result.hpp"

namespace core::kafka {

using Properties = std::vector<std::pair<std::string, std::string>>;

// "key=value" -> {key, value}; the error names the malformed text.
Result<std::pair<std::string, std::string>> parseProperty(const std::string& text);

// A global Conf with every property set in order (later ones win).
Result<std::unique_ptr<RdKafka::Conf>> makeConf(const Properties& properties);

}  // namespace core::kafka
