#include "core/db/connection_url.hpp"

namespace core::db {

std::string withConnectTimeout(const std::string& url, int seconds) {
  if (url.find("connect_timeout") != std::string::npos) return url;
  const std::string setting = "connect_timeout=" + std::to_string(seconds);
  const bool is_uri = url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0;
  if (!is_uri) return url.empty() ? setting : url + " " + setting;
  return url + (url.find('?') == std::string::npos ? "?" : "&") + setting;
}

std::string redactPassword(const std::string& url) {
  const auto scheme = url.find("://");
  if (scheme != std::string::npos) {
    const auto at = url.find('@', scheme);
    const auto colon = url.find(':', scheme + 3);
    if (at != std::string::npos && colon != std::string::npos && colon < at) {
      return url.substr(0, colon + 1) + "***" + url.substr(at);
    }
    return url;
  }
  const auto pw = url.find("password=");
  if (pw == std::string::npos) return url;
  const auto end = url.find(' ', pw);
  return url.substr(0, pw) + "password=***" + (end == std::string::npos ? "" : url.substr(end));
}

std::string withDatabase(const std::string& url, const std::string& database) {
  const auto scheme = url.find("://");
  if (scheme == std::string::npos) return url + " dbname=" + database;
  const auto query = url.find('?', scheme + 3);
  const auto path = url.find('/', scheme + 3);
  const auto host_end = path != std::string::npos && path < query ? path : query;
  const std::string rest = query == std::string::npos ? "" : url.substr(query);
  return url.substr(0, host_end) + "/" + database + rest;
}

}  // namespace core::db
