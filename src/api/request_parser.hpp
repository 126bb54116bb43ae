#pragma once
// HTTP/1.1 request framing (RFC 9112), incremental and strict. It decides
// where each request on a connection ends and refuses, with the status that
// fits, whatever it cannot frame safely: a bare LF, a folded or colon-less
// header, a TLS handshake, two lengths that disagree, a body over the limit
// (as soon as its length is declared, or as soon as chunks pass it). This
// file is the byte-level state machine (request line, header lines, body,
// chunks); what the header fields mean for the framing is request_head.*.
// Pure: no sockets and no Pistache, so every rule is unit-tested.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace api {

struct RequestLimits {
  std::size_t max_request_line = std::size_t{8} * 1024;  // 414 above
  std::size_t max_header_bytes =
      std::size_t{16} * 1024;     // all header lines (and trailers); 431 above
  std::size_t max_headers = 100;  // 431 above
  std::size_t max_body_bytes = std::size_t{64} * 1024;  // 413 above
};

struct ParsedRequest {
  std::string method;
  std::string path;   // still percent-encoded; "*" for OPTIONS *
  std::string query;  // the raw text after '?', empty when none
  bool http10 = false;
  // Lower-case names in arrival order, values without surrounding blanks.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;  // de-chunked
  bool keep_alive = true;
  bool expects_continue = false;  // "Expect: 100-continue" with a body to come
};

// Why a request is refused. The connection is closed after the answer.
struct FramingError {
  int status = 400;
  std::string reason;   // a metrics label, e.g. "bad_header"
  std::string field;    // what is wrong: a header name, "request-line" or "body"
  std::string message;  // one sentence for the client
};

class RequestParser {
 public:
  enum class Progress {
    kNeedMore,  // nothing yet, or a request begun (see started())
    kComplete,  // take() it
    kRefused,   // error() says why; the parser accepts nothing more
  };

  explicit RequestParser(RequestLimits limits);

  // Appends bytes from the connection; nothing is parsed until parse().
  void append(std::string_view bytes);
  // Frames what has arrived. Bytes after a complete request wait for the
  // next parse() after take() (pipelining).
  Progress parse();
  // The complete request; the parser starts on the next one.
  ParsedRequest take();

  const FramingError& error() const { return error_; }
  // A request has begun (bytes past blank lines) and is not complete.
  bool started() const;
  // Its header section is complete and its body is still arriving.
  bool readingBody() const;
  // The client sent "Expect: 100-continue" and waits before sending the body.
  bool awaitingContinue() const { return readingBody() && request_.expects_continue; }
  // Bytes not yet consumed: the current request's and any that came after it.
  std::size_t buffered() const { return buffer_.size() - pos_; }

 private:
  enum class Stage {
    kRequestLine,
    kHeaders,
    kFixedBody,
    kChunkSize,
    kChunkData,
    kChunkEnd,
    kTrailers,
    kComplete,
    kRefused
  };
  enum class Line { kReady, kNeedMore, kRefused };
  struct LineRule {
    std::size_t max_length;  // without the CRLF
    int too_long_status;
    const char* too_long_reason;
    const char* field;
    const char* what;
  };

  // The next CRLF-terminated line from pos_; refuses bare LF, bare CR,
  // control bytes and lines over the rule's length as soon as they arrive.
  Line nextLine(const LineRule& rule, std::string_view& line);
  Progress refuse(int status, std::string reason, std::string field, std::string message);
  Progress refuse(FramingError error);
  Progress requestLine(std::string_view line);
  Progress headerLine(std::string_view line, bool trailer);
  // Applies what the complete header section says (request_head.*).
  Progress headEnd();
  Progress chunkSize(std::string_view line);

  RequestLimits limits_;
  std::string buffer_;
  std::size_t pos_ = 0;   // first byte not yet consumed
  std::size_t scan_ = 0;  // bytes from pos_ already checked for a line end
  Stage stage_ = Stage::kRequestLine;
  std::size_t blank_lines_ = 0;
  std::size_t header_bytes_ = 0;
  std::uint64_t remaining_ = 0;  // of the fixed body or the current chunk
  ParsedRequest request_;
  FramingError error_;
};

}  // namespace api
