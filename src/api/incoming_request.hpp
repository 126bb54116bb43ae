#pragma once
// A framed request as the service sees it: its query decoded, repeated
// headers joined, and a request id (the client's X-Request-Id when it is a
// sane one, else a new UUID). Pure.

#include "api/http_types.hpp"
#include "api/request_parser.hpp"

namespace api {

HttpRequest toHttpRequest(ParsedRequest parsed);

}  // namespace api
