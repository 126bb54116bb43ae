// The customer-api binary itself: it serves, and SIGTERM stops it cleanly.

#include <doctest/doctest.h>

#include <csignal>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <memory>
#include <regex>
#include <sstream>
#include <thread>

#include "support/child_process.hpp"
#include "support/http_client.hpp"
#include "support/raw_connection.hpp"
#include "support/test_env.hpp"

namespace {

using testing::ChildProcess;

std::string readFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// customer-api on a free port with `flags`, as a child process.
std::unique_ptr<ChildProcess> startApi(const std::vector<std::string>& flags) {
  std::vector<std::string> argv = {testing::binaryPath("src/api/customer-api"),
                                   "--database-url",
                                   testing::roleUrl(testing::Role::kApi, "postgres"),
                                   "--listen",
                                   "127.0.0.1:0",
                                   "--allow-unauthenticated"};
  argv.insert(argv.end(), flags.begin(), flags.end());
  return std::make_unique<ChildProcess>(argv);
}

// The port the API reported in its log (read by `log`); 0 when it did not start.
int listeningPort(const std::function<std::string()>& log) {
  std::smatch match;
  std::string text;
  const std::regex listening(R"(listening on http://127\.0\.0\.1:(\d+))");
  if (!testing::waitUntil([&]() {
        text = log();
        return std::regex_search(text, match, listening);
      })) {
    return 0;
  }
  return std::stoi(match[1].str());
}

}  // namespace

TEST_CASE("customer-api serves on the port it reports and exits 0 on SIGTERM") {
  const auto api = startApi({"--threads", "2"});
  const int port = listeningPort([&]() { return api->output(); });
  REQUIRE_MESSAGE(port > 0, api->output());
  testing::HttpClient http("http://127.0.0.1:" + std::to_string(port));
  CHECK(http.get("/healthz").status == 200);
  CHECK(api->stop(SIGTERM, std::chrono::seconds(15)) == 0);
  CHECK(api->output().find("stopped") != std::string::npos);
}

TEST_CASE("customer-api without tokens refuses to start, exit 2, unless allowed on loopback") {
  // No tokens from the caller's environment; the database is unreachable on
  // purpose: exit 3 shows the flags were accepted.
  const std::string clean_env =
      "env -u API_TOKENS -u API_TOKENS_FILE -u API_ALLOW_UNAUTHENTICATED ";
  const std::string binary = testing::binaryPath("src/api/customer-api") +
                             " --database-url postgresql://postgres@127.0.0.1:1/x";
  const std::string api = clean_env + binary;
  const auto no_switch = testing::runCommand(api + " --listen 127.0.0.1:0");
  CHECK(no_switch.exit_code == 2);
  CHECK(no_switch.output.find("--auth-tokens") != std::string::npos);
  CHECK(no_switch.output.find("--allow-unauthenticated") != std::string::npos);
  CHECK(testing::lineCount(no_switch.output) == 1);

  const auto everywhere = testing::runCommand(api + " --listen 0.0.0.0:0 --allow-unauthenticated");
  CHECK(everywhere.exit_code == 2);
  CHECK(everywhere.output.find("loopback") != std::string::npos);
  CHECK(everywhere.output.find("0.0.0.0") != std::string::npos);

  const auto by_env = testing::runCommand(clean_env + "API_ALLOW_UNAUTHENTICATED=1 " + binary +
                                          " --listen 127.0.0.1:0");
  CHECK_MESSAGE(by_env.exit_code == 3, by_env.output);
  const auto with_tokens =
      testing::runCommand(api + " --listen 0.0.0.0:0 --auth-tokens ci:0123456789abcdef");
  CHECK_MESSAGE(with_tokens.exit_code == 3, with_tokens.output);
}

TEST_CASE("customer-api logs to a rotating file, and its access log is off, sampled or full") {
  const std::string dir = "/tmp/" + testing::uniqueName("api-logs");
  REQUIRE(std::system(("mkdir -p " + dir).c_str()) == 0);
  // Runs the API with `flags`, sends 40 requests (one of them to a path with
  // control bytes), stops it; the main log and the access log.
  const auto run = [&](const std::vector<std::string>& flags) {
    const std::string log = dir + "/api.log";
    const std::string access = dir + "/access.log";
    std::remove(log.c_str());
    std::remove(access.c_str());
    std::vector<std::string> all_flags = {"--log-file", log};
    all_flags.insert(all_flags.end(), flags.begin(), flags.end());
    const auto api = startApi(all_flags);
    const int port = listeningPort([&]() { return readFile(log); });
    REQUIRE_MESSAGE(port > 0, readFile(log));
    testing::HttpClient http("http://127.0.0.1:" + std::to_string(port));
    for (int i = 0; i < 39; ++i) CHECK(http.get("/healthz").status == 200);
    CHECK(http.get("/no-such-page%0D%0Aforged%1B[31m").status == 400);
    REQUIRE(api->stop(SIGTERM, std::chrono::seconds(15)) == 0);
    return std::make_pair(readFile(log), readFile(access));
  };
  const auto lines = [](const std::string& text) {
    std::size_t n = 0;
    for (auto at = text.find("request_id="); at != std::string::npos;
         at = text.find("request_id=", at + 1)) {
      ++n;
    }
    return n;
  };

  const auto [off_log, off_access] = run({"--access-log", "off"});
  CHECK(off_log.find("listening on") != std::string::npos);
  CHECK(lines(off_log) == 0);

  const auto [sampled_log, sampled_access] = run({"--access-log-sample", "10"});
  CHECK(lines(sampled_log) == 4);  // answers 1, 11, 21 and 31

  const auto [full_log, full_access] =
      run({"--access-log", "full", "--access-log-file", dir + "/access.log"});
  CHECK(lines(full_log) == 0);      // in a file of its own
  CHECK(lines(full_access) == 40);  // every answer
  // The path as received (still percent-encoded): no forged line, no escape.
  CHECK(full_access.find("path=/no-such-page%0D%0Aforged%1B[31m status=400") != std::string::npos);
  CHECK(full_access.find("\nforged") == std::string::npos);
  CHECK(full_access.find('\x1b') == std::string::npos);
  REQUIRE(std::system(("rm -rf " + dir).c_str()) == 0);
}

using testing::RawConnection;

TEST_CASE("each refused request is logged once, without its bytes") {
  const std::string log = "/tmp/" + testing::uniqueName("api-refusals") + ".log";
  const auto api = startApi({"--log-file", log});
  const int port = listeningPort([&]() { return readFile(log); });
  REQUIRE_MESSAGE(port > 0, readFile(log));
  const std::vector<std::string> malformed = {
      "GET /healthz HTTP/1.1\r\nHost: localhost\r\nSECRET-NO-COLON\r\n\r\n",
      "GET /healthz HTTP/1.1\nHost: localhost\n\n",
      "POST /api/customers HTTP/1.1\r\nHost: localhost\r\nContent-Length: -1\r\n\r\n"};
  for (const auto& bytes : malformed) {
    RawConnection client(port);
    client.send(bytes);
    CHECK(client.readUntilClosed(std::chrono::seconds(2)).second);
  }
  api->stop(SIGTERM);
  const std::string text = readFile(log);
  std::size_t refusals = 0;
  for (auto at = text.find("refused: "); at != std::string::npos;
       at = text.find("refused: ", at + 1)) {
    ++refusals;
  }
  CHECK_MESSAGE(refusals == malformed.size(), text);
  CHECK(text.find("SECRET-NO-COLON") == std::string::npos);
  std::remove(log.c_str());
}

TEST_CASE("slow and idle connections are closed: headers, body and keep-alive have deadlines") {
  const std::string log = "/tmp/" + testing::uniqueName("api-timeouts") + ".log";
  const auto api = startApi({"--log-file", log, "--header-timeout-ms", "1000", "--body-timeout-ms",
                             "2000", "--keepalive-timeout-ms", "1500"});
  const int port = listeningPort([&]() { return readFile(log); });
  REQUIRE_MESSAGE(port > 0, readFile(log));

  SUBCASE("headers that never end (slowloris): 408 and closed") {
    RawConnection slow(port);
    slow.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    const auto started = std::chrono::steady_clock::now();
    for (int i = 0; i < 4; ++i) {  // a byte now and then, as slowloris does
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
      slow.send("X");
    }
    const auto [answer, closed] = slow.readUntilClosed(std::chrono::seconds(5));
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    CHECK(closed);
    CHECK(answer.find("408") != std::string::npos);
    CHECK(seconds < 3.0);
  }
  SUBCASE("a body that never arrives: 408 and closed") {
    RawConnection slow(port);
    slow.send(
        "POST /api/customers HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
        "application/json\r\nContent-Length: 100\r\n\r\n{\"name\":");
    const auto [answer, closed] = slow.readUntilClosed(std::chrono::seconds(5));
    CHECK(closed);
    CHECK(answer.find("408") != std::string::npos);
  }
  SUBCASE("an idle keep-alive connection is closed after its timeout") {
    RawConnection idle(port);
    idle.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n");
    const auto started = std::chrono::steady_clock::now();
    const auto [answer, closed] = idle.readUntilClosed(std::chrono::seconds(5));
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    CHECK(answer.find("200 OK") != std::string::npos);
    CHECK(closed);
    CHECK(seconds > 1.0);  // kept alive for a while, then closed
    CHECK(seconds < 3.5);
  }
  api->stop(SIGTERM);
  std::remove(log.c_str());
}
