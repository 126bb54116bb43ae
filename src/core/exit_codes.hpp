#pragma once
// Exit codes shared by every executable (documented in each --help and the README).

namespace core {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;      // the work itself failed
inline constexpr int kExitUsage = 2;        // bad flag or configuration value
inline constexpr int kExitUnavailable = 3;  // a database or broker could not be reached

inline constexpr const char* kExitCodesHelp =
    "Exit codes: 0 success, 1 failure, 2 bad flag or configuration, "
    "3 database or broker unreachable.";

}  // namespace core
