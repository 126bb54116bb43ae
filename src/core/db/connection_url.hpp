#pragma once
// Helpers for libpq connection strings.

#include <string>

namespace core::db {

// Adds connect_timeout=SECONDS unless the URL or keyword string sets one, so
// an unreachable server fails fast instead of hanging.
std::string withConnectTimeout(const std::string& url, int seconds);

// The URL with any password replaced by "***", for logs and messages.
std::string redactPassword(const std::string& url);

}  // namespace core::db
