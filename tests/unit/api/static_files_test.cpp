#include "api/static_files.hpp"

#include <doctest/doctest.h>

#include <fstream>

#include "support/test_env.hpp"

using namespace api;

namespace {

// A web root with one file of each kind the UI serves.
std::filesystem::path webRoot() {
  const auto root = std::filesystem::temp_directory_path() / testing::uniqueName("web_root");
  std::filesystem::create_directories(root / "js");
  for (const char* name : {"index.html", "app.css", "js/main.js", "js/view.mjs", "favicon.svg",
                           "favicon.ico", "logo.png", "data.json", "notes.bin"}) {
    std::ofstream(root / name) << "x";
  }
  return root;
}

HttpResponse get(const std::filesystem::path& root, const std::string& path) {
  HttpRequest request;
  request.method = "GET";
  request.path = path;
  return staticFile(root, request);
}

}  // namespace

TEST_CASE("web files are served with their content type, modules as JavaScript") {
  const auto root = webRoot();
  for (const auto& [path, type] : std::vector<std::pair<std::string, std::string>>{
           {"/", "text/html; charset=utf-8"},
           {"/app.css", "text/css; charset=utf-8"},
           {"/js/main.js", "text/javascript; charset=utf-8"},
           {"/js/view.mjs", "text/javascript; charset=utf-8"},
           {"/favicon.svg", "image/svg+xml"},
           {"/favicon.ico", "image/x-icon"},
           {"/logo.png", "image/png"},
           {"/data.json", "application/json"},
           {"/notes.bin", "application/octet-stream"}}) {
    CAPTURE(path);
    const auto response = get(root, path);
    CHECK(response.status == 200);
    CHECK(response.content_type == type);
  }
  std::filesystem::remove_all(root);
}

TEST_CASE("web files: nothing outside the root, no hidden files, GET only") {
  const auto root = webRoot();
  std::ofstream(root / ".secret") << "x";
  CHECK(get(root, "/.secret").status == 404);
  CHECK(get(root, "/../etc/passwd").status == 404);
  CHECK(get(root, "/js/../../x").status == 404);
  CHECK(get(root, "/missing.js").status == 404);
  CHECK(get({}, "/").status == 404);
  HttpRequest post;
  post.method = "POST";
  post.path = "/";
  CHECK(staticFile(root, post).status == 405);
  std::filesystem::remove_all(root);
}
