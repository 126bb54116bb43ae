#include "core/json/fields.hpp"

namespace core::json {

void writeOptionalTimestamp(Writer& w, const char* key,
                            const std::optional<domain::Timestamp>& at) {
  w.Key(key);
  if (at) {
    w.String(domain::formatIso8601(*at).c_str());
  } else {
    w.Null();
  }
}

void writeTextOrNull(Writer& w, const char* key, const std::string& text) {
  w.Key(key);
  if (text.empty()) {
    w.Null();
  } else {
    w.String(text.c_str(), static_cast<rapidjson::SizeType>(text.size()));
  }
}

void writeOptionalNumber(Writer& w, const char* key, const std::optional<double>& value) {
  w.Key(key);
  if (value) {
    w.Double(*value);
  } else {
    w.Null();
  }
}

}  // namespace core::json
