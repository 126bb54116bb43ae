#pragma once
// What a request's complete header section means for its framing (RFC 9110,
// RFC 9112): exactly one valid Host (HTTP/1.1), a valid Date, whether the
// connection stays open, how the body is delimited and whether it is over the
// limit, and Expect. Pure; RequestParser applies it once the headers end.

#include <cstdint>
#include <variant>

#include "api/request_parser.hpp"

namespace api {

enum class BodyFraming {
  kNone,     // no body, or Content-Length: 0
  kLength,   // Content-Length bytes
  kChunked,  // Transfer-Encoding: chunked
};

struct HeadFraming {
  BodyFraming body = BodyFraming::kNone;
  std::uint64_t length = 0;  // kLength: the declared length, within the limit
  bool keep_alive = true;
  bool expects_continue = false;  // "Expect: 100-continue" with a body to come
};

// `head` is a request whose request line and headers have been parsed
// (its keep_alive is the version's default); either how its body is framed
// or why it is refused.
std::variant<HeadFraming, FramingError> frameHead(const ParsedRequest& head,
                                                  const RequestLimits& limits);

}  // namespace api
