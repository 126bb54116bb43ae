#pragma once
// The web UI: GET of a plain file under the web root, never outside it.

#include <filesystem>

#include "api/http_types.hpp"

namespace api {

// 404 when `web_root` is empty (no UI), for a name with "..", a hidden or
// absolute part, or no such file; 405 for a method other than GET.
HttpResponse staticFile(const std::filesystem::path& web_root, const HttpRequest& request);

}  // namespace api
