#include "core/domain/events.hpp"

#include <cstdio>
#include <random>

namespace core::domain {

const char* eventTypeName(CrudEventType type) {
  switch (type) {
    case CrudEventType::kCreated: return "customer.created";
    case CrudEventType::kUpdated: return "customer.updated";
    case CrudEventType::kDeleted: return "customer.deleted";
  }
  return "customer.unknown";
}

std::optional<CrudEventType> crudEventTypeFromCode(int code) {
  switch (code) {
    case 100: return CrudEventType::kCreated;
    case 200: return CrudEventType::kUpdated;
    case 300: return CrudEventType::kDeleted;
    default: return std::nullopt;
  }
}

std::string newUuid() {
  thread_local std::mt19937_64 engine{std::random_device{}()};
  const std::uint64_t high = (engine() & 0xFFFFFFFFFFFF0FFFULL) | 0x0000000000004000ULL;
  const std::uint64_t low = (engine() & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;
  char text[37];
  std::snprintf(text, sizeof text, "%08llx-%04llx-%04llx-%04llx-%012llx",
                static_cast<unsigned long long>(high >> 32),
                static_cast<unsigned long long>((high >> 16) & 0xFFFF),
                static_cast<unsigned long long>(high & 0xFFFF),
                static_cast<unsigned long long>(low >> 48),
                static_cast<unsigned long long>(low & 0xFFFFFFFFFFFFULL));
  return text;
}

}  // namespace core::domain
