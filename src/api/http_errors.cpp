#include "api/http_errors.hpp"

#include <spdlog/spdlog.h>

#include "api/request_parser.hpp"
#include "core/json/codec.hpp"

namespace api {

namespace {

std::string framingErrorCode(int status) {
  switch (status) {
    case 408: return "request_timeout";
    case 413: return "payload_too_large";
    case 414: return "uri_too_long";
    case 417: return "expectation_failed";
    case 431: return "headers_too_large";
    case 501: return "not_implemented";
    case 503: return "unavailable";
    case 505: return "version_not_supported";
    default: return "bad_request";
  }
}

}  // namespace

HttpResponse errorResponse(int status, const std::string& error, const std::string& message,
                           const FieldErrors& fields) {
  rapidjson::StringBuffer buffer;
  core::json::Writer w(buffer);
  w.StartObject();
  w.Key("error");
  w.String(error.c_str());
  w.Key("message");
  w.String(message.c_str());
  if (!fields.empty()) {
    w.Key("fields");
    w.StartObject();
    for (const auto& [name, problem] : fields) {
      w.Key(name.c_str());
      w.String(problem.c_str());
    }
    w.EndObject();
  }
  w.EndObject();
  HttpResponse response;
  response.status = status;
  response.body.assign(buffer.GetString(), buffer.GetSize());
  return response;
}

HttpResponse errorResponse(const core::Error& error) {
  switch (error.kind) {
    case core::ErrorKind::kInvalidArgument: return errorResponse(400, "bad_request", error.message);
    case core::ErrorKind::kNotFound: return errorResponse(404, "not_found", error.message);
    case core::ErrorKind::kConflict: return errorResponse(409, "conflict", error.message);
    case core::ErrorKind::kPreconditionFailed:
      return errorResponse(412, "precondition_failed", error.message);
    case core::ErrorKind::kUnavailable:
      return errorResponse(503, "unavailable", "the database is unavailable; retry later")
          .with("Retry-After", "1");
    default:
      // The one place an unexpected failure is logged: the body keeps internals out.
      spdlog::error("internal error ({}): {}", core::errorKindName(error.kind), error.message);
      return errorResponse(500, "internal", "internal error; see the server log");
  }
}

HttpResponse validationFailed(const FieldErrors& fields) {
  std::string message = "invalid ";
  bool first = true;
  for (const auto& [name, problem] : fields) {
    message += (first ? "" : ", ") + name;
    first = false;
  }
  return errorResponse(400, "validation_failed", message, fields);
}

HttpResponse notFound(const std::string& what) {
  return errorResponse(404, "not_found", what + " not found");
}

HttpResponse methodNotAllowed(const std::string& allow) {
  return errorResponse(405, "method_not_allowed", "allowed methods: " + allow).with("Allow", allow);
}

HttpResponse framingRefusal(const FramingError& error) {
  return errorResponse(error.status, framingErrorCode(error.status), error.message,
                       {{error.field, error.message}});
}

}  // namespace api
