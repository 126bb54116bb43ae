#pragma once
// Helpers for libpq connection strings.

#include <string>

namespace core::db {

// Adds connect_timeout=SECONDS unless the URL or keyword string sets one, so
// an unreachable server fails fast instead of hanging.
std::string withConnectTimeout(const std::string& url, int seconds);

// The URL with any password replaced by "***", for logs and messages.
std::string redactPassword(const std::string& url);

// A postgresql:// URL naming another database on the same server, as the same
// user ("postgresql://u@h:1/a?x=1", "b" -> "postgresql://u@h:1/b?x=1").
// Keyword strings come back with " dbname=DATABASE" appended (the last wins).
std::string withDatabase(const std::string& url, const std::string& database);

}  // namespace core::db
