#include "workers/notification/mime_message.hpp"

#include <algorithm>
#include <cstdio>
#include <ctime>

namespace notification {

namespace {

constexpr const char* kCrlf = "\r\n";
constexpr std::size_t kMaxLine = 998;
constexpr std::size_t kBase64Line = 76;
// "=?UTF-8?B?" + "?=" leave 63 characters of a 75-character word: 45 bytes.
constexpr std::size_t kWordBytes = 45;

bool isPrintableAscii(const std::string& text) {
  for (unsigned char c : text) {
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

std::string stripLineBreaks(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '\r') continue;
    out += c == '\n' || c == '\t' ? ' ' : c;
  }
  return out;
}

// Text with LF, CR or CRLF line ends -> CRLF line ends.
std::string canonicalLines(const std::string& text) {
  std::string out;
  out.reserve(text.size() + text.size() / 40);
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r') {
      out += kCrlf;
      if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
    } else if (text[i] == '\n') {
      out += kCrlf;
    } else {
      out += text[i];
    }
  }
  return out;
}

bool sevenBitSafe(const std::string& text) {
  std::size_t line = 0;
  for (unsigned char c : text) {
    if (c == '\n') {
      line = 0;
      continue;
    }
    if (c >= 0x80 || c == 0 || ++line > kMaxLine) return false;
  }
  return true;
}

std::string wrapBase64(const std::string& data) {
  const std::string encoded = encodeBase64(data);
  std::string out;
  for (std::size_t i = 0; i < encoded.size(); i += kBase64Line) {
    out += encoded.substr(i, kBase64Line);
    out += kCrlf;
  }
  return out;
}

// One part's headers and body.
std::string part(const char* type, const std::string& content) {
  std::string out = std::string("Content-Type: ") + type + "; charset=UTF-8" + kCrlf;
  if (sevenBitSafe(content)) {
    out += std::string("Content-Transfer-Encoding: 7bit") + kCrlf + kCrlf;
    out += canonicalLines(content);
    if (out.size() < 2 || out.compare(out.size() - 2, 2, kCrlf) != 0) out += kCrlf;
  } else {
    out += std::string("Content-Transfer-Encoding: base64") + kCrlf + kCrlf;
    out += wrapBase64(canonicalLines(content));
  }
  return out;
}

std::string addressHeader(const char* name, const std::vector<std::string>& entries) {
  std::string out = std::string(name) + ": ";
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (i > 0) out += std::string(",") + kCrlf + " ";
    out += stripLineBreaks(entries[i]);
  }
  return out + kCrlf;
}

// Length of the UTF-8 sequence that starts with `lead` (1 for stray bytes).
std::size_t sequenceLength(unsigned char lead) {
  if (lead >= 0xf0) return 4;
  if (lead >= 0xe0) return 3;
  if (lead >= 0xc0) return 2;
  return 1;
}

}  // namespace

std::string encodeBase64(const std::string& data) {
  static const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < data.size(); i += 3) {
    const unsigned n = (static_cast<unsigned char>(data[i]) << 16) |
                       (static_cast<unsigned char>(data[i + 1]) << 8) |
                       static_cast<unsigned char>(data[i + 2]);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += kAlphabet[n & 63];
  }
  if (i < data.size()) {
    unsigned n = static_cast<unsigned char>(data[i]) << 16;
    if (i + 1 < data.size()) n |= static_cast<unsigned char>(data[i + 1]) << 8;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += i + 1 < data.size() ? kAlphabet[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::string encodeHeaderText(const std::string& text) {
  std::string clean = stripLineBreaks(text);
  if (isPrintableAscii(clean) && clean.find("=?") == std::string::npos) return clean;
  std::string out;
  std::size_t i = 0;
  while (i < clean.size()) {
    std::size_t end = i;
    while (end < clean.size()) {
      const std::size_t next = end + sequenceLength(static_cast<unsigned char>(clean[end]));
      if (next - i > kWordBytes) break;
      end = next;
    }
    if (end == i)
      end = std::min(clean.size(), i + kWordBytes);  // cannot happen with <= 4-byte runs
    if (!out.empty()) out += std::string(kCrlf) + " ";
    out += "=?UTF-8?B?" + encodeBase64(clean.substr(i, end - i)) + "?=";
    i = end;
  }
  return out;
}

std::string formatRfc5322Date(std::int64_t epoch_seconds) {
  const auto t = static_cast<std::time_t>(epoch_seconds);
  std::tm utc{};
  gmtime_r(&t, &utc);
  static const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%s, %02d %s %04d %02d:%02d:%02d +0000", kDays[utc.tm_wday],
                utc.tm_mday, kMonths[utc.tm_mon], utc.tm_year + 1900, utc.tm_hour, utc.tm_min,
                utc.tm_sec);
  return buffer;
}

std::string messageIdFor(const std::string& event_id, const std::string& from_address) {
  std::string left;
  for (char c : event_id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '.' || c == '_';
    left += ok ? c : '_';
  }
  if (left.empty()) left = "event";
  const auto at = from_address.rfind('@');
  std::string domain = at == std::string::npos ? "" : from_address.substr(at + 1);
  if (!domain.empty() && domain.back() == '>') domain.pop_back();
  if (domain.empty()) domain = "notification-worker.invalid";
  return "<" + left + "@" + domain + ">";
}

std::string makeBoundary(const std::string& seed, const std::vector<std::string>& parts) {
  std::string boundary = "=_notification_";
  for (char c : seed.substr(0, 40)) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_' || c == '.';
    boundary += ok ? c : '_';
  }
  for (int round = 0;; ++round) {
    bool clash = false;
    for (const auto& p : parts) clash = clash || p.find(boundary) != std::string::npos;
    if (!clash) return boundary;
    boundary += "_" + std::to_string(round);
  }
}

std::string buildMimeMessage(const MailContent& mail) {
  std::string out;
  out += "Date: " + formatRfc5322Date(mail.date_epoch_seconds) + kCrlf;
  out += "From: " + stripLineBreaks(mail.from) + kCrlf;
  out += addressHeader("To", mail.to);
  if (!mail.cc.empty()) out += addressHeader("Cc", mail.cc);
  out += "Message-ID: " + stripLineBreaks(mail.message_id) + kCrlf;
  out += "Subject: " + encodeHeaderText(mail.subject) + kCrlf;
  for (const auto& [name, value] : mail.extra_headers) {
    out += stripLineBreaks(name) + ": " + encodeHeaderText(value) + kCrlf;
  }
  out += std::string("MIME-Version: 1.0") + kCrlf;

  const bool has_text = !mail.text.empty();
  const bool has_html = !mail.html.empty();
  if (has_text && has_html) {
    out += "Content-Type: multipart/alternative; boundary=\"" + mail.boundary + "\"" + kCrlf;
    out += kCrlf;
    out += std::string("This is a multi-part message in MIME format.") + kCrlf;
    out += "--" + mail.boundary + kCrlf;
    out += part("text/plain", mail.text);
    out += "--" + mail.boundary + kCrlf;
    out += part("text/html", mail.html);
    out += "--" + mail.boundary + "--" + kCrlf;
  } else if (has_html) {
    out += part("text/html", mail.html);
  } else {
    out += part("text/plain", mail.text);
  }
  return out;
}

}  // namespace notification
