#include "core/config/flag_range.hpp"

#include <climits>
#include <stdexcept>

namespace core::config {

namespace {

// The flag's value as a long long; nullopt when an unsigned value exceeds it
// (which is out of every range anyway).
std::optional<long long> integerValue(const CommandLine& cli, const std::string& flag) {
  const auto& any = cli.values()[flag].value();
  if (const auto* v = boost::any_cast<int>(&any)) return *v;
  if (const auto* v = boost::any_cast<long>(&any)) return *v;
  if (const auto* v = boost::any_cast<long long>(&any)) return *v;
  if (const auto* v = boost::any_cast<unsigned>(&any)) return *v;
  const auto big = [](unsigned long long v) -> std::optional<long long> {
    if (v > static_cast<unsigned long long>(LLONG_MAX)) return std::nullopt;
    return static_cast<long long>(v);
  };
  if (const auto* v = boost::any_cast<unsigned long>(&any)) return big(*v);
  if (const auto* v = boost::any_cast<unsigned long long>(&any)) return big(*v);
  // A programming error (the flag is not an integer or has no default), not bad input.
  throw std::logic_error("--" + flag + " is not an integer flag with a value");
}

}  // namespace

Bound::Bound(long long value) : Bound(value, std::to_string(value)) {}

Bound::Bound(long long value, std::string text) : value_(value), text_(std::move(text)) {}

Bound Bound::flag(const std::string& name, long long value) {
  return {value, "--" + name};
}

namespace detail {

std::optional<int> readRange(const CommandLine& cli, const std::string& flag, const Bound& min,
                             const Bound& max, long long& value) {
  const auto read = integerValue(cli, flag);
  if (!read || *read < min.value() || *read > max.value()) {
    return cli.usageError("--" + flag + " must be from " + min.text() + " to " + max.text());
  }
  value = *read;
  return std::nullopt;
}

}  // namespace detail

}  // namespace core::config
