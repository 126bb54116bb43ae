#pragma once
// A stable, non-cryptographic fingerprint (FNV-1a 64) for change detection:
// migration checksums, idempotency request hashes.

#include <cstdint>
#include <cstdio>
#include <string>

namespace core {

inline std::string fingerprint(const std::string& text) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 0x100000001b3ULL;
  }
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(hash));
  return hex;
}

}  // namespace core
