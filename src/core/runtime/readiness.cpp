#include "core/runtime/readiness.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace core::runtime {

namespace {
const char* const kStarting = "starting";
}

Readiness::Readiness(std::vector<std::string> dependencies, bool log_changes)
    : log_changes_(log_changes) {
  for (auto& name : dependencies) problems_.emplace_back(std::move(name), kStarting);
}

void Readiness::set(const std::string& dependency, const std::string& problem) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto entry = std::find_if(problems_.begin(), problems_.end(),
                            [&](const auto& known) { return known.first == dependency; });
  if (entry == problems_.end()) entry = problems_.insert(problems_.end(), {dependency, ""});
  std::string& current = entry->second;
  if (log_changes_ && current != kStarting) {
    if (current.empty() && !problem.empty()) {
      spdlog::warn("{} unavailable: {}", dependency, problem);
    } else if (!current.empty() && problem.empty()) {
      spdlog::info("{} available again", dependency);
    }
  }
  current = problem;
}

std::string Readiness::problem() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::string out;
  for (const auto& [dependency, problem] : problems_) {
    if (!problem.empty()) out += (out.empty() ? "" : "; ") + dependency + ": " + problem;
  }
  return out;
}

}  // namespace core::runtime
