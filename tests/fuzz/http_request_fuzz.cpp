// libFuzzer target: the HTTP/1.1 framing of customer-api (every byte a client
// sends goes through it first). Invariants, not just "no crash":
//   - bytes fed whole, in two pieces or one at a time frame the same way;
//   - a refusal has a status we document and names what is wrong;
//   - a framed request is within the limits and has no line breaks inside.

#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "api/request_parser.hpp"

namespace {

void require(bool condition) {
  if (!condition) std::abort();
}

api::RequestLimits limits() {
  api::RequestLimits l;
  l.max_request_line = 512;
  l.max_header_bytes = 1024;
  l.max_headers = 16;
  l.max_body_bytes = 1024;
  return l;
}

// The requests framed from `bytes` fed in pieces of `step` bytes (0: whole),
// as text, then "refused <status>" or "open".
std::vector<std::string> frame(const std::string& bytes, std::size_t step) {
  api::RequestParser parser(limits());
  std::vector<std::string> out;
  const std::size_t piece = step == 0 ? bytes.size() : step;
  for (std::size_t at = 0; at < bytes.size() || at == 0; at += piece) {
    parser.append(std::string_view(bytes).substr(at, piece));
    for (;;) {
      const auto progress = parser.parse();
      if (progress == api::RequestParser::Progress::kRefused) {
        const auto& error = parser.error();
        const int s = error.status;
        require(s == 400 || s == 413 || s == 414 || s == 417 || s == 431 || s == 501 || s == 505);
        require(!error.reason.empty() && !error.field.empty() && !error.message.empty());
        out.push_back("refused " + std::to_string(s));
        return out;
      }
      if (progress == api::RequestParser::Progress::kNeedMore) break;
      const auto request = parser.take();
      require(request.body.size() <= limits().max_body_bytes);
      require(request.headers.size() <= limits().max_headers);
      require(!request.method.empty());
      require(request.path == "*" || (!request.path.empty() && request.path[0] == '/'));
      std::string text = request.method + " " + request.path + "?" + request.query + "\n";
      for (const auto& [name, value] : request.headers) {
        require(name.find_first_of("\r\n: ") == std::string::npos);
        require(value.find_first_of("\r\n") == std::string::npos);
        text += name + "=" + value + "\n";
      }
      out.push_back(text + request.body + (request.keep_alive ? "|k" : "|c"));
    }
    if (bytes.empty()) break;
  }
  out.push_back("open");
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  const auto whole = frame(bytes, 0);
  require(frame(bytes, 1) == whole);
  require(frame(bytes, 7) == whole);
  return 0;
}
