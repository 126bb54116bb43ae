#pragma once
// A small blocking HTTP client on libcurl for tests that talk to a real server.

#include <map>
#include <string>
#include <vector>

namespace testing {

struct HttpResult {
  long status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;

  std::string header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? "" : it->second;
  }
};

class HttpClient {
 public:
  explicit HttpClient(std::string base_url);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // headers: "Name: value" lines. A JSON body gets Content-Type: application/json
  // unless a Content-Type header is given.
  HttpResult request(const std::string& method, const std::string& path,
                     const std::string& body = "", const std::vector<std::string>& headers = {});
  HttpResult get(const std::string& path, const std::vector<std::string>& headers = {}) {
    return request("GET", path, "", headers);
  }

 private:
  std::string base_url_;
  void* curl_;  // one handle per client: connections are reused (keep-alive)
};

}  // namespace testing
