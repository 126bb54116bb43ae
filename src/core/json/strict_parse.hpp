#pragma once
// The one JSON parser for untrusted text (request bodies, Kafka messages). It
// never recurses (RapidJSON's iterative parser), so deep nesting cannot
// overflow the stack, and it refuses what no producer of ours writes: invalid
// UTF-8, text after the value, nesting deeper than the limit, a duplicate key
// in an object. The error names the byte offset or the key.

#include <rapidjson/document.h>

#include <cstddef>
#include <string>

#include "core/result.hpp"

namespace core::json {

struct ParseLimits {
  std::size_t max_bytes = std::size_t{1024} * 1024;  // the whole text
  int max_depth = 16;  // nested objects and arrays; the top level is 1
};

Status parseStrict(const std::string& text, rapidjson::Document& document,
                   const ParseLimits& limits = {});

}  // namespace core::json
