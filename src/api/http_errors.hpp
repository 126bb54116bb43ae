#pragma once
// The one place where failures become HTTP responses with the JSON body
// {error, message, fields?}.

#include <map>
#include <string>

#include "api/http_types.hpp"
#include "core/result.hpp"

namespace api {

struct FramingError;

// field name -> what is wrong with it
using FieldErrors = std::map<std::string, std::string>;

HttpResponse errorResponse(int status, const std::string& error, const std::string& message,
                           const FieldErrors& fields = {});

// Maps a core::Error: not found 404, conflict 409, invalid 400,
// unavailable 503, anything else 500 (without internals in the body).
HttpResponse errorResponse(const core::Error& error);

HttpResponse validationFailed(const FieldErrors& fields);
HttpResponse notFound(const std::string& what);
HttpResponse methodNotAllowed(const std::string& allow);
// A request that could not be framed: its status, and the field that is wrong.
HttpResponse framingRefusal(const FramingError& error);

}  // namespace api
