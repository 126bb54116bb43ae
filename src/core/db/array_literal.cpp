#include "core/db/array_literal.hpp"

namespace core::db {

namespace {

template <typename Int>
std::string integers(const std::vector<Int>& values) {
  std::string out = "{";
  out.reserve(values.size() * 8 + 2);
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ',';
    out += std::to_string(values[i]);
  }
  return out + "}";
}

}  // namespace

std::string arrayLiteral(const std::vector<std::int64_t>& values) {
  return integers(values);
}

std::string arrayLiteral(const std::vector<std::int32_t>& values) {
  return integers(values);
}

std::string arrayLiteral(const std::vector<bool>& values) {
  std::string out = "{";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ',';
    out += values[i] ? 't' : 'f';
  }
  return out + "}";
}

std::string arrayLiteral(const std::vector<std::string>& values) {
  std::string out = "{";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ',';
    out += '"';
    for (const char c : values[i]) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  return out + "}";
}

}  // namespace core::db
