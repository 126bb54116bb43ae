#include "api/static_files.hpp"

#include <fstream>
#include <sstream>

#include "api/http_errors.hpp"

namespace api {

namespace {

const char* mimeOf(const std::filesystem::path& path) {
  const auto ext = path.extension().string();
  if (ext == ".html") return "text/html; charset=utf-8";
  // ES modules must come with a JavaScript type, or the browser refuses them.
  if (ext == ".js" || ext == ".mjs") return "text/javascript; charset=utf-8";
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".json") return "application/json";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".png") return "image/png";
  if (ext == ".ico") return "image/x-icon";
  return "application/octet-stream";
}

}  // namespace

HttpResponse staticFile(const std::filesystem::path& web_root, const HttpRequest& request) {
  if (web_root.empty()) return notFound("page " + request.path);
  if (request.method != "GET") return methodNotAllowed("GET");
  std::string relative = request.path == "/" ? "index.html" : request.path.substr(1);
  // Only plain names under web_root: no "..", no absolute paths, no hidden files.
  for (const auto& part : std::filesystem::path(relative)) {
    const auto text = part.string();
    if (text.empty() || text == ".." || text[0] == '.' || part.is_absolute()) {
      return notFound("page " + request.path);
    }
  }
  const auto file = web_root / relative;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec)) return notFound("page " + request.path);
  std::ifstream in(file, std::ios::binary);
  std::ostringstream contents;
  contents << in.rdbuf();
  return HttpResponse{200, mimeOf(file), {{"Cache-Control", "no-cache"}}, contents.str()};
}

}  // namespace api
