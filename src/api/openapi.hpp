#pragma once
// The OpenAPI 3 document of this API (src/api/openapi.json, embedded at build time).

#include <string>

namespace api {
const std::string& openApiDocument();
}  // namespace api
