#pragma once
// Writing one "key": value member whose value may be absent (JSON null), the
// way every answer of ours spells it: instants as ISO 8601 UTC, empty text as
// null, a missing number as null.

#include <optional>
#include <string>

#include "core/domain/timestamp.hpp"
#include "core/json/codec.hpp"

namespace core::json {

void writeOptionalTimestamp(Writer& w, const char* key, const std::optional<domain::Timestamp>& at);
// Empty text is written as null.
void writeTextOrNull(Writer& w, const char* key, const std::string& text);
void writeOptionalNumber(Writer& w, const char* key, const std::optional<double>& value);

}  // namespace core::json
