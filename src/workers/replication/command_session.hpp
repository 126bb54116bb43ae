#pragma once
// The database sessions of the worker's one-shot commands (verify --repair,
// after-restore): named in pg_stat_activity, and in UTC so that the
// timestamps they read and write mean the same on every server.

#include <string>

#include "core/db/session.hpp"

namespace replication {

inline core::db::SessionOptions commandSessionOptions(const std::string& url, const char* label,
                                                      const char* application_name) {
  core::db::SessionOptions options;
  options.url = url;
  options.label = label;
  options.application_name = application_name;
  options.settings = {{"TimeZone", "'UTC'"}};
  return options;
}

}  // namespace replication
