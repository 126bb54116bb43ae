// The customer-api binary itself: it serves, and SIGTERM stops it cleanly.

#include <doctest/doctest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <regex>
#include <sstream>

#include "support/http_client.hpp"
#include "support/test_env.hpp"

namespace {

std::string readFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

TEST_CASE("customer-api serves on the port it reports and exits 0 on SIGTERM") {
  const std::string log = "/tmp/" + testing::uniqueName("customer-api") + ".log";
  const std::string binary = testing::binaryPath("src/api/customer-api");
  const std::string url = testing::pgUrlBase() + "/postgres";
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    freopen(log.c_str(), "w", stderr);
    execl(binary.c_str(), binary.c_str(), "--database-url", url.c_str(), "--listen", "127.0.0.1:0",
          "--threads", "2", static_cast<char*>(nullptr));
    _exit(127);
  }
  std::smatch match;
  std::string text;
  const std::regex listening(R"(listening on http://127\.0\.0\.1:(\d+))");
  const bool started = testing::waitUntil([&]() {
    text = readFile(log);
    return std::regex_search(text, match, listening);
  });
  REQUIRE_MESSAGE(started, text);
  testing::HttpClient http("http://127.0.0.1:" + match[1].str());
  CHECK(http.get("/healthz").status == 200);

  REQUIRE(kill(pid, SIGTERM) == 0);
  int status = -1;
  const bool exited = testing::waitUntil([&]() { return waitpid(pid, &status, WNOHANG) == pid; },
                                         std::chrono::seconds(15));
  if (!exited) kill(pid, SIGKILL);
  REQUIRE(exited);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  CHECK(readFile(log).find("stopped") != std::string::npos);
  std::remove(log.c_str());
}
