#include "workers/notification/notification_event.hpp"

#include <algorithm>
#include <cctype>
#include <set>

#include "core/json/codec.hpp"

namespace notification {

using core::Error;
using core::ErrorKind;

namespace {

constexpr std::size_t kMaxLocalPart = 64;
constexpr std::size_t kMaxAddress = 254;

bool isAtext(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  static const std::string kSpecials = "!#$%&'*+-/=?^_`{|}~";
  return kSpecials.find(c) != std::string::npos;
}

bool isDotAtom(const std::string& text) {
  if (text.empty() || text.front() == '.' || text.back() == '.') return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '.') {
      if (text[i + 1] == '.') return false;  // back() is not '.', so i + 1 exists
    } else if (!isAtext(text[i])) {
      return false;
    }
  }
  return true;
}

bool isHostName(const std::string& domain) {
  if (domain.empty() || domain.size() > 253) return false;
  std::size_t start = 0;
  while (start <= domain.size()) {
    const auto dot = domain.find('.', start);
    const auto end = dot == std::string::npos ? domain.size() : dot;
    const auto label = domain.substr(start, end - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
      return false;
    }
    for (char c : label) {
      const bool ok =
          (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
      if (!ok) return false;
    }
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return true;
}

// "[192.0.2.1]" or "[IPv6:2001:db8::1]".
bool isAddressLiteral(const std::string& domain) {
  if (domain.size() < 3 || domain.front() != '[' || domain.back() != ']') return false;
  std::string inner = domain.substr(1, domain.size() - 2);
  const bool v6 = inner.rfind("IPv6:", 0) == 0;
  if (v6) inner = inner.substr(5);
  if (inner.empty()) return false;
  for (char c : inner) {
    const bool digit = c >= '0' && c <= '9';
    const bool hex = (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    if (!(digit || c == '.' || (v6 && (hex || c == ':')))) return false;
  }
  return true;
}

std::string trim(const std::string& text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  return text.substr(first, last - first + 1);
}

Error fieldError(const std::string& field, const std::string& message) {
  return Error{ErrorKind::kInvalidArgument, field + ": " + message};
}

}  // namespace

core::Result<core::domain::NotificationEvent> parseNotificationEvent(const std::string& payload) {
  auto event = core::json::decodeNotificationEvent(payload);
  if (!event) return Error{ErrorKind::kInvalidArgument, event.error().message};
  if (event->id.empty()) return fieldError("id", "must not be empty");
  return event;
}

std::vector<std::string> splitAddressList(const std::string& list) {
  std::vector<std::string> out;
  std::string current;
  bool quoted = false;
  int angle = 0;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const char c = list[i];
    if (quoted && c == '\\' && i + 1 < list.size()) {
      current += c;
      current += list[++i];
      continue;
    }
    if (c == '"') quoted = !quoted;
    if (!quoted && c == '<') ++angle;
    if (!quoted && c == '>' && angle > 0) --angle;
    if (!quoted && angle == 0 && (c == ',' || c == ';')) {
      if (auto entry = trim(current); !entry.empty()) out.push_back(entry);
      current.clear();
      continue;
    }
    current += c;
  }
  if (auto entry = trim(current); !entry.empty()) out.push_back(entry);
  return out;
}

bool isValidAddress(const std::string& address) {
  if (address.empty() || address.size() > kMaxAddress) return false;
  const auto at = address.rfind('@');
  if (at == std::string::npos || at == 0 || at + 1 == address.size()) return false;
  const auto local = address.substr(0, at);
  const auto domain = address.substr(at + 1);
  if (local.size() > kMaxLocalPart || !isDotAtom(local)) return false;
  return isHostName(domain) || isAddressLiteral(domain);
}

core::Result<std::string> bareAddress(const std::string& entry) {
  std::string address = trim(entry);
  const auto open = address.rfind('<');
  if (open != std::string::npos) {
    const auto close = address.find('>', open);
    if (close == std::string::npos || close != address.size() - 1) {
      return Error{ErrorKind::kInvalidArgument, "unbalanced <> in '" + entry + "'"};
    }
    address = trim(address.substr(open + 1, close - open - 1));
  }
  for (char c : entry) {
    if (c == '\r' || c == '\n' || c == '\0') {
      return Error{ErrorKind::kInvalidArgument, "control character in '" + entry + "'"};
    }
  }
  if (!isValidAddress(address)) {
    return Error{ErrorKind::kInvalidArgument, "invalid address '" + entry + "'"};
  }
  return address;
}

core::Result<Recipients> recipientsOf(const core::domain::NotificationEvent& event,
                                      std::size_t max_recipients) {
  Recipients out;
  std::set<std::string> seen;
  std::size_t named = 0;
  const auto collect = [&](const char* field, const std::string& list,
                           std::vector<std::string>& into) -> core::Status {
    auto entries = splitAddressList(list);
    named += entries.size();
    if (named > max_recipients) {
      return fieldError(field, "brings the recipients to " + std::to_string(named) +
                                   ", more than the limit of " + std::to_string(max_recipients));
    }
    for (auto& entry : entries) {
      auto address = bareAddress(entry);
      if (!address) return fieldError(field, address.error().message);
      std::string key = *address;
      std::transform(key.begin(), key.end(), key.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      if (seen.insert(key).second) out.envelope.push_back(*address);
      into.push_back(std::move(entry));
    }
    return {};
  };
  if (auto s = collect("notifyTo", event.notify_to, out.to); !s) return s.error();
  if (auto s = collect("notifyCC", event.notify_cc, out.cc); !s) return s.error();
  if (auto s = collect("notifyBCC", event.notify_bcc, out.bcc); !s) return s.error();
  if (out.to.empty()) return fieldError("notifyTo", "must name at least one recipient");
  return out;
}

}  // namespace notification
