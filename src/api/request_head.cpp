#include "api/request_head.hpp"

#include <ctime>

#include <algorithm>
#include <cctype>
#include <optional>
#include <string>
#include <vector>

#include "api/http_tokens.hpp"

namespace api {

namespace {

// The comma-separated elements of a list header, trimmed, empty ones dropped.
std::vector<std::string> listElements(const std::string& value) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= value.size()) {
    const auto comma = std::min(value.find(',', start), value.size());
    const auto element = trimBlanks(std::string_view(value).substr(start, comma - start));
    if (!element.empty()) out.push_back(lowerCase(element));
    start = comma + 1;
  }
  return out;
}

bool allDigits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(),
                                      [](unsigned char c) { return std::isdigit(c) != 0; });
}

// uri-host [":" port], RFC 3986: a reg-name, IPv4 or a bracketed IP literal.
bool validHost(std::string_view host) {
  if (host.empty()) return true;  // allowed; the Host allow-list decides
  std::string_view name = host;
  std::string_view port;
  if (host.front() == '[') {
    const auto close = host.find(']');
    if (close == std::string_view::npos) return false;
    const auto literal = host.substr(1, close - 1);
    if (literal.empty() || !std::all_of(literal.begin(), literal.end(), [](unsigned char c) {
          return std::isxdigit(c) != 0 || c == ':' || c == '.';
        })) {
      return false;
    }
    name = {};
    const auto rest = host.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return false;
      port = rest.substr(1);
    }
  } else if (const auto colon = host.find(':'); colon != std::string_view::npos) {
    name = host.substr(0, colon);
    port = host.substr(colon + 1);
  }
  const bool name_ok = std::all_of(name.begin(), name.end(), [](unsigned char c) {
    return std::isalnum(c) != 0 ||
           std::string_view("-._~%!$&'()*+,;=").find(static_cast<char>(c)) !=
               std::string_view::npos;
  });
  if (!name_ok) return false;
  if (port.empty()) return true;
  return port.size() <= 5 && allDigits(port) && std::stoul(std::string(port)) <= 65535;
}

// One of the three HTTP-date forms of RFC 9110 §5.6.7.
bool validHttpDate(const std::string& value) {
  for (const char* format :
       {"%a, %d %b %Y %H:%M:%S GMT", "%A, %d-%b-%y %H:%M:%S GMT", "%a %b %e %H:%M:%S %Y"}) {
    tm parsed{};
    const char* end = strptime(value.c_str(), format, &parsed);
    if (end != nullptr && *end == '\0') return true;
  }
  return false;
}

// The values of a header, joined with commas as a list header's would be.
std::optional<std::string> joined(const ParsedRequest& head, std::string_view name) {
  std::optional<std::string> values;
  for (const auto& [key, value] : head.headers) {
    if (key != name) continue;
    values = values ? *values + "," + value : value;
  }
  return values;
}

}  // namespace

std::variant<HeadFraming, FramingError> frameHead(const ParsedRequest& head,
                                                  const RequestLimits& limits) {
  const auto refuse = [](int status, const char* reason, const char* field, std::string message) {
    return FramingError{status, reason, field, std::move(message)};
  };
  HeadFraming framing;
  framing.keep_alive = head.keep_alive;
  const auto hosts = std::count_if(head.headers.begin(), head.headers.end(),
                                   [](const auto& h) { return h.first == "host"; });
  if (hosts == 0 && !head.http10) {
    return refuse(400, "bad_host", "Host", "an HTTP/1.1 request must have a Host header");
  }
  if (hosts > 1) return refuse(400, "bad_host", "Host", "more than one Host header");
  if (const auto host = joined(head, "host"); host && !validHost(*host)) {
    return refuse(400, "bad_host", "Host", "the Host header is not host[:port]");
  }
  if (const auto date = joined(head, "date"); date && !validHttpDate(*date)) {
    return refuse(400, "bad_header", "Date", "the Date header is not an HTTP date");
  }
  if (const auto connection = joined(head, "connection")) {
    const auto options = listElements(*connection);
    const auto has = [&](const char* option) {
      return std::find(options.begin(), options.end(), option) != options.end();
    };
    framing.keep_alive = head.http10 ? has("keep-alive") && !has("close") : !has("close");
  }
  const auto transfer = joined(head, "transfer-encoding");
  const auto length = joined(head, "content-length");
  if (transfer) {
    if (head.http10) {
      return refuse(400, "bad_framing", "Transfer-Encoding",
                    "Transfer-Encoding is not allowed in HTTP/1.0");
    }
    if (length) {
      return refuse(400, "bad_framing", "Content-Length",
                    "a request must not have both Transfer-Encoding and Content-Length");
    }
    const auto codings = listElements(*transfer);
    if (codings.empty() || codings.back() != "chunked") {
      return refuse(400, "bad_framing", "Transfer-Encoding", "chunked must be the last coding");
    }
    if (codings.size() > 1) {
      return refuse(501, "unsupported_transfer_encoding", "Transfer-Encoding",
                    "only the chunked transfer coding is supported");
    }
    framing.body = BodyFraming::kChunked;
  } else if (length) {
    std::optional<std::string> agreed;
    for (std::size_t start = 0; start <= length->size();) {
      const auto comma = std::min(length->find(',', start), length->size());
      const auto element = trimBlanks(std::string_view(*length).substr(start, comma - start));
      if (!allDigits(element) || element.size() > 18) {
        return refuse(400, "bad_framing", "Content-Length", "Content-Length must be digits");
      }
      if (agreed && *agreed != element) {
        return refuse(400, "bad_framing", "Content-Length", "Content-Length values disagree");
      }
      agreed = std::string(element);
      start = comma + 1;
    }
    framing.length = std::stoull(*agreed);
    if (framing.length > limits.max_body_bytes) {
      return refuse(413, "body_too_large", "body",
                    "the body is larger than " + std::to_string(limits.max_body_bytes) + " bytes");
    }
    if (framing.length > 0) framing.body = BodyFraming::kLength;
  }
  if (const auto expect = joined(head, "expect")) {
    if (lowerCase(trimBlanks(*expect)) != "100-continue") {
      return refuse(417, "expectation_failed", "Expect", "only Expect: 100-continue is supported");
    }
    framing.expects_continue = framing.body != BodyFraming::kNone && !head.http10;
  }
  return framing;
}

}  // namespace api
