#include "api/request_parser.hpp"

#include <algorithm>
#include <cctype>

#include "api/http_tokens.hpp"
#include "api/request_head.hpp"

namespace api {

namespace {

constexpr std::size_t kMaxBlankLines = 4;  // CRLFs tolerated before a request line
constexpr std::size_t kMaxMethod = 32;
constexpr std::size_t kMaxChunkLine = 4096;  // size and extensions

}  // namespace

RequestParser::RequestParser(RequestLimits limits) : limits_(limits) {}

void RequestParser::append(std::string_view bytes) {
  buffer_.append(bytes.data(), bytes.size());
}

bool RequestParser::started() const {
  if (stage_ == Stage::kComplete || stage_ == Stage::kRefused) return false;
  return stage_ != Stage::kRequestLine || buffer_.size() > pos_;
}

bool RequestParser::readingBody() const {
  return stage_ == Stage::kFixedBody || stage_ == Stage::kChunkSize ||
         stage_ == Stage::kChunkData || stage_ == Stage::kChunkEnd || stage_ == Stage::kTrailers;
}

RequestParser::Progress RequestParser::refuse(int status, std::string reason, std::string field,
                                              std::string message) {
  return refuse(FramingError{status, std::move(reason), std::move(field), std::move(message)});
}

RequestParser::Progress RequestParser::refuse(FramingError error) {
  error_ = std::move(error);
  stage_ = Stage::kRefused;
  return Progress::kRefused;
}

RequestParser::Line RequestParser::nextLine(const LineRule& rule, std::string_view& line) {
  const char* reason = stage_ == Stage::kRequestLine ? "bad_request_line"
                       : stage_ == Stage::kChunkSize ? "bad_chunk"
                                                     : "bad_header";
  const auto tooLong = [&] {
    refuse(
        rule.too_long_status, rule.too_long_reason, rule.field,
        std::string(rule.what) + " is longer than " + std::to_string(rule.max_length) + " bytes");
    return Line::kRefused;
  };
  const std::size_t available = buffer_.size() - pos_;
  for (std::size_t i = scan_; i < available; ++i) {
    const auto c = static_cast<unsigned char>(buffer_[pos_ + i]);
    if (c == '\n') {
      if (i == 0 || buffer_[pos_ + i - 1] != '\r') {
        refuse(400, reason, rule.field, "a line ends with a bare LF; lines must end with CRLF");
        return Line::kRefused;
      }
      if (i - 1 > rule.max_length) return tooLong();
      line = std::string_view(buffer_).substr(pos_, i - 1);
      pos_ += i + 1;
      scan_ = 0;
      return Line::kReady;
    }
    // Checked byte by byte, so that the answer does not depend on how the
    // bytes were split into reads.
    if (c == '\r') {
      if (i > rule.max_length) return tooLong();
      if (i + 1 < available && buffer_[pos_ + i + 1] != '\n') {
        refuse(400, reason, rule.field, "a bare CR inside a line");
        return Line::kRefused;
      }
      continue;
    }
    if (i + 1 > rule.max_length) return tooLong();
    if ((c < 0x20 && c != '\t') || c == 0x7f) {
      const bool tls = stage_ == Stage::kRequestLine && i == 0 && c == 0x16;
      refuse(400, reason, rule.field,
             tls ? "a TLS handshake on a plain-HTTP port"
                 : "a control byte (" + std::to_string(c) + ") inside a line");
      return Line::kRefused;
    }
  }
  // A CR at the end is checked again with the byte that follows it.
  const bool ends_in_cr = available > 0 && buffer_.back() == '\r';
  scan_ = ends_in_cr ? available - 1 : available;
  return Line::kNeedMore;
}

RequestParser::Progress RequestParser::parse() {
  for (;;) {
    std::string_view line;
    Line got = Line::kReady;
    switch (stage_) {
      case Stage::kComplete: return Progress::kComplete;
      case Stage::kRefused: return Progress::kRefused;
      case Stage::kRequestLine:
        got = nextLine({limits_.max_request_line, 414, "request_line_too_long", "request-line",
                        "the request line"},
                       line);
        if (got != Line::kReady) break;
        if (line.empty()) {
          if (++blank_lines_ > kMaxBlankLines) {
            return refuse(400, "bad_request_line", "request-line", "blank lines, no request line");
          }
          continue;
        }
        if (requestLine(line) == Progress::kRefused) return Progress::kRefused;
        stage_ = Stage::kHeaders;
        continue;
      case Stage::kHeaders:
      case Stage::kTrailers: {
        const bool trailer = stage_ == Stage::kTrailers;
        const std::size_t room =
            limits_.max_header_bytes > header_bytes_ ? limits_.max_header_bytes - header_bytes_ : 0;
        got = nextLine({room, 431, "headers_too_large", "headers", "the header section"}, line);
        if (got != Line::kReady) break;
        if (line.empty()) {
          if (trailer) {
            stage_ = Stage::kComplete;
            continue;
          }
          if (headEnd() == Progress::kRefused) return Progress::kRefused;
          continue;
        }
        if (headerLine(line, trailer) == Progress::kRefused) return Progress::kRefused;
        continue;
      }
      case Stage::kFixedBody: {
        const std::size_t available = buffer_.size() - pos_;
        if (available < remaining_) return Progress::kNeedMore;
        request_.body.assign(buffer_, pos_, remaining_);
        pos_ += remaining_;
        stage_ = Stage::kComplete;
        continue;
      }
      case Stage::kChunkSize:
        got = nextLine({kMaxChunkLine, 400, "bad_chunk", "body", "a chunk size line"}, line);
        if (got != Line::kReady) break;
        if (chunkSize(line) == Progress::kRefused) return Progress::kRefused;
        continue;
      case Stage::kChunkData: {
        const auto take = std::min<std::uint64_t>(remaining_, buffer_.size() - pos_);
        request_.body.append(buffer_, pos_, take);
        pos_ += take;
        remaining_ -= take;
        if (remaining_ > 0) return Progress::kNeedMore;
        stage_ = Stage::kChunkEnd;
        continue;
      }
      case Stage::kChunkEnd:
        if (buffer_.size() - pos_ < 2) return Progress::kNeedMore;
        if (buffer_.compare(pos_, 2, "\r\n") != 0) {
          return refuse(400, "bad_chunk", "body", "a chunk's data is not followed by CRLF");
        }
        pos_ += 2;
        stage_ = Stage::kChunkSize;
        continue;
    }
    return got == Line::kNeedMore ? Progress::kNeedMore : Progress::kRefused;
  }
}

RequestParser::Progress RequestParser::requestLine(std::string_view line) {
  const auto refuseLine = [this](int status, const std::string& message) {
    return refuse(status, status == 505 ? "unsupported_version" : "bad_request_line",
                  "request-line", message);
  };
  const auto first = line.find(' ');
  const auto second = first == std::string_view::npos ? first : line.find(' ', first + 1);
  if (second == std::string_view::npos || line.find(' ', second + 1) != std::string_view::npos) {
    return refuseLine(400, "the request line must be METHOD SP TARGET SP HTTP/1.1");
  }
  const auto method = line.substr(0, first);
  const auto target = line.substr(first + 1, second - first - 1);
  const auto version = line.substr(second + 1);
  if (!isToken(method) || method.size() > kMaxMethod) {
    return refuseLine(400, "the method is not a token");
  }
  if (version == "HTTP/1.1") {
    request_.http10 = false;
  } else if (version == "HTTP/1.0") {
    request_.http10 = true;
    request_.keep_alive = false;
  } else if (version.size() == 8 && version.substr(0, 5) == "HTTP/" &&
             std::isdigit(static_cast<unsigned char>(version[5])) != 0 && version[6] == '.' &&
             std::isdigit(static_cast<unsigned char>(version[7])) != 0) {
    return refuseLine(505, "only HTTP/1.1 and HTTP/1.0 are served");
  } else {
    return refuseLine(400, "the request line must end with HTTP/1.1");
  }
  if (target.empty() || !std::all_of(target.begin(), target.end(), [](unsigned char c) {
        return c > 0x20 && c < 0x7f && c != '#';
      })) {
    return refuseLine(400, "the request target has a byte that must be percent-encoded");
  }
  std::string_view resource = target;
  if (target == "*") {
    if (method != "OPTIONS") return refuseLine(400, "'*' is a target for OPTIONS only");
  } else if (target.front() != '/') {
    // absolute-form (RFC 9112 §3.2.2): keep the path and query.
    const auto scheme = lowerCase(target.substr(0, std::min<std::size_t>(target.size(), 8)));
    const std::size_t skip = scheme.rfind("http://", 0) == 0    ? 7
                             : scheme.rfind("https://", 0) == 0 ? 8
                                                                : 0;
    if (skip == 0) return refuseLine(400, "the request target must start with '/'");
    const auto after = target.substr(skip);
    const auto slash = after.find_first_of("/?");
    resource = slash == std::string_view::npos ? std::string_view("/") : after.substr(slash);
  }
  const auto question = resource.find('?');
  // Only an absolute-form target can have its query right after the authority.
  request_.path = question == 0 ? "/" : std::string(resource.substr(0, question));
  if (question != std::string_view::npos)
    request_.query = std::string(resource.substr(question + 1));
  request_.method = std::string(method);
  return Progress::kNeedMore;
}

RequestParser::Progress RequestParser::headerLine(std::string_view line, bool trailer) {
  header_bytes_ += line.size() + 2;
  if (line.front() == ' ' || line.front() == '\t') {
    return refuse(400, "bad_header", "headers", "folded header lines (obs-fold) are not accepted");
  }
  const auto colon = line.find(':');
  if (colon == std::string_view::npos) {
    return refuse(400, "bad_header", "headers", "a header line has no colon");
  }
  const auto name = line.substr(0, colon);
  if (!isToken(name)) {
    return refuse(400, "bad_header", "headers",
                  "a header name is empty or has a byte that is not a token character");
  }
  if (trailer) return Progress::kNeedMore;  // checked, not kept
  if (request_.headers.size() >= limits_.max_headers) {
    return refuse(431, "headers_too_large", "headers",
                  "more than " + std::to_string(limits_.max_headers) + " header lines");
  }
  request_.headers.emplace_back(lowerCase(name), std::string(trimBlanks(line.substr(colon + 1))));
  return Progress::kNeedMore;
}

RequestParser::Progress RequestParser::headEnd() {
  auto verdict = frameHead(request_, limits_);
  if (auto* refused = std::get_if<FramingError>(&verdict)) return refuse(std::move(*refused));
  const auto& framing = std::get<HeadFraming>(verdict);
  request_.keep_alive = framing.keep_alive;
  request_.expects_continue = framing.expects_continue;
  remaining_ = framing.length;
  switch (framing.body) {
    case BodyFraming::kNone: stage_ = Stage::kComplete; break;
    case BodyFraming::kLength: stage_ = Stage::kFixedBody; break;
    case BodyFraming::kChunked: stage_ = Stage::kChunkSize; break;
  }
  return Progress::kNeedMore;
}

RequestParser::Progress RequestParser::chunkSize(std::string_view line) {
  std::size_t digits = 0;
  while (digits < line.size() && std::isxdigit(static_cast<unsigned char>(line[digits])) != 0) {
    ++digits;
  }
  const auto extension = trimBlanks(line.substr(digits));
  if (digits == 0 || digits > 16 || (!extension.empty() && extension.front() != ';')) {
    return refuse(400, "bad_chunk", "body", "a chunk size must be hexadecimal digits");
  }
  const auto size = std::stoull(std::string(line.substr(0, digits)), nullptr, 16);
  if (size > limits_.max_body_bytes - request_.body.size()) {
    return refuse(413, "body_too_large", "body",
                  "the body is larger than " + std::to_string(limits_.max_body_bytes) + " bytes");
  }
  remaining_ = size;
  stage_ = size == 0 ? Stage::kTrailers : Stage::kChunkData;
  return Progress::kNeedMore;
}

ParsedRequest RequestParser::take() {
  ParsedRequest out = std::move(request_);
  request_ = ParsedRequest{};
  // Consumed bytes are dropped now and then, not after every request: a long
  // pipeline would otherwise be moved once per request.
  if (pos_ == buffer_.size()) {
    buffer_.clear();
    pos_ = 0;
  } else if (pos_ >= std::size_t{16} * 1024) {
    buffer_.erase(0, pos_);
    pos_ = 0;
  }
  scan_ = 0;
  stage_ = Stage::kRequestLine;
  blank_lines_ = 0;
  header_bytes_ = 0;
  remaining_ = 0;
  return out;
}

}  // namespace api
