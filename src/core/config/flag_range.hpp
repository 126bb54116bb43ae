#pragma once
// The one range check for integer flags, so that every executable words the
// error the same way: "--flag must be from MIN to MAX".

#include <optional>
#include <string>

#include "core/config/command_line.hpp"

namespace core::config {

// One end of a range: a number, or the value of another flag, which the
// error then names ("--retry-max-ms must be from --retry-base-ms to ...").
class Bound {
 public:
  // Implicit, so that a plain number reads as one: readRange(cli, "x", 1, 100, out).
  Bound(long long value);
  static Bound flag(const std::string& name, long long value);

  long long value() const { return value_; }
  const std::string& text() const { return text_; }

 private:
  Bound(long long value, std::string text);
  long long value_;
  std::string text_;
};

namespace detail {
// readRange without the conversion: the value read whatever integer type the
// flag was declared with.
std::optional<int> readRange(const CommandLine& cli, const std::string& flag, const Bound& min,
                             const Bound& max, long long& value);
}  // namespace detail

// Reads the integer flag `flag` (po::value<int>, <long>, <std::size_t>, ...).
// Within [min, max] it is stored in `out` (any integer type, or a
// std::chrono::duration counted in the flag's unit); otherwise the usage
// error is printed and its exit code returned.
template <typename Out>
std::optional<int> readRange(const CommandLine& cli, const std::string& flag, const Bound& min,
                             const Bound& max, Out& out) {
  long long value = 0;
  if (auto exit = detail::readRange(cli, flag, min, max, value)) return exit;
  out = static_cast<Out>(value);
  return std::nullopt;
}

}  // namespace core::config
