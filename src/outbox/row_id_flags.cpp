#include "outbox/row_id_flags.hpp"

#include <algorithm>

namespace outbox {

std::optional<int> readIds(const core::config::CommandLine& cli, const std::string& flag,
                           std::vector<std::int64_t>& ids) {
  if (!cli.has(flag)) return std::nullopt;
  for (const auto& text : cli.get<std::vector<std::string>>(flag)) {
    std::size_t start = 0;
    while (start <= text.size()) {
      const auto comma = std::min(text.find(',', start), text.size());
      const std::string item = text.substr(start, comma - start);
      std::int64_t id = 0;
      bool valid =
          !item.empty() && item.size() <= 18 &&
          std::all_of(item.begin(), item.end(), [](char c) { return c >= '0' && c <= '9'; });
      if (valid) id = std::stoll(item);
      if (!valid || id < 1) {
        return cli.usageError("--" + flag + ": '" + item +
                              "' is not a row id (a positive integer)");
      }
      ids.push_back(id);
      start = comma + 1;
    }
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return std::nullopt;
}

}  // namespace outbox
