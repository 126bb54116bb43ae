// The HTTP edge of customer-api on a real socket: malformed requests,
// oversize bodies, Connection: close, pipelining, 100-continue and the
// connection limit. Each refusal is answered, closed and counted.

#include <doctest/doctest.h>

#include <regex>
#include <thread>

#include "api_fixture.hpp"
#include "support/raw_connection.hpp"

using testing::RawConnection;

namespace {

constexpr auto kSoon = std::chrono::milliseconds(1500);

int port(testing::ApiFixture& api) {
  return api.server().port();
}

// http_refused_requests_total{reason, status} as /metrics renders it.
long refusedCount(testing::ApiFixture& api, const std::string& reason, int status) {
  const std::regex line("http_refused_requests_total\\{reason=\"" + reason + "\",status=\"" +
                        std::to_string(status) + "\"\\} (\\d+)");
  const std::string text = api.metrics().render();
  std::smatch match;
  return std::regex_search(text, match, line) ? std::stol(match[1].str()) : 0;
}

int statusOf(const std::string& answer) {
  return answer.rfind("HTTP/1.1 ", 0) == 0 ? std::stoi(answer.substr(9, 3)) : 0;
}

std::string bodyOf(const std::string& answer) {
  const auto at = answer.find("\r\n\r\n");
  return at == std::string::npos ? "" : answer.substr(at + 4);
}

struct Malformed {
  const char* name;
  std::string bytes;
  int status;
  const char* reason;
  const char* names;  // what the JSON error names
};

}  // namespace

TEST_CASE("malformed requests get a JSON 4xx naming the problem, are closed and counted") {
  testing::ApiFixture api;
  const std::vector<Malformed> cases = {
      {"a header line without a colon",
       "GET /healthz HTTP/1.1\r\nHost: localhost\r\nNoColon\r\n\r\n", 400, "bad_header", "headers"},
      {"bare-LF line endings", "GET /healthz HTTP/1.1\nHost: localhost\n\n", 400,
       "bad_request_line", "request-line"},
      {"a folded header", "GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-A: a\r\n b\r\n\r\n", 400,
       "bad_header", "headers"},
      {"no HTTP version", "GET /healthz\r\n\r\n", 400, "bad_request_line", "request-line"},
      {"a TLS ClientHello", std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11), 400,
       "bad_request_line", "request-line"},
      {"Host: a:abc", "GET /healthz HTTP/1.1\r\nHost: a:abc\r\n\r\n", 400, "bad_host", "Host"},
      {"Content-Length: -1",
       "POST /api/customers HTTP/1.1\r\nHost: localhost\r\nContent-Length: -1\r\n\r\n", 400,
       "bad_framing", "Content-Length"},
      {"Date: x", "GET /healthz HTTP/1.1\r\nHost: localhost\r\nDate: x\r\n\r\n", 400, "bad_header",
       "Date"},
      {"too many headers",
       [] {
         std::string head = "GET /healthz HTTP/1.1\r\nHost: localhost\r\n";
         for (int i = 0; i < 101; ++i) head += "X-" + std::to_string(i) + ": v\r\n";
         return head + "\r\n";
       }(),
       431, "headers_too_large", "headers"},
      {"a 9 KB request line", "GET /" + std::string(9000, 'a') + " HTTP/1.1\r\n", 414,
       "request_line_too_long", "request-line"},
      {"a transfer coding we do not speak",
       "POST /api/customers HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: gzip, "
       "chunked\r\n\r\n",
       501, "unsupported_transfer_encoding", "Transfer-Encoding"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.name);
    const long before = refusedCount(api, c.reason, c.status);
    RawConnection client(port(api));
    client.send(c.bytes);
    const auto [answer, closed] = client.readUntilClosed(kSoon);
    CHECK(statusOf(answer) == c.status);
    CHECK(closed);
    const auto body = testing::parseJson(bodyOf(answer));
    REQUIRE(body.HasMember("fields"));
    CHECK(body["fields"].HasMember(c.names));
    CHECK(answer.find("X-Content-Type-Options: nosniff") != std::string::npos);
    // No Pistache internals in the answer.
    CHECK(answer.find("exception") == std::string::npos);
    CHECK(refusedCount(api, c.reason, c.status) == before + 1);
  }
  CHECK(testing::HttpClient(api.baseUrl()).get("/healthz").status == 200);
}

TEST_CASE("Connection: close is answered and the socket closed, keep-alive stays open") {
  testing::ApiFixture api;
  RawConnection closing(port(api));
  closing.send("GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
  const auto [answer, closed] = closing.readUntilClosed(kSoon);
  CHECK(statusOf(answer) == 200);
  CHECK(answer.find("Connection: Close") != std::string::npos);
  CHECK(closed);

  RawConnection keeping(port(api));
  keeping.send("GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n");
  const auto [kept_answer, kept_closed] = keeping.readUntilClosed(std::chrono::milliseconds(500));
  CHECK(statusOf(kept_answer) == 200);
  CHECK(kept_answer.find("Connection: Keep-Alive") != std::string::npos);
  CHECK_FALSE(kept_closed);

  RawConnection http10(port(api));
  http10.send("GET /healthz HTTP/1.0\r\nHost: localhost\r\n\r\n");
  const auto [old_answer, old_closed] = http10.readUntilClosed(kSoon);
  CHECK(old_answer.rfind("HTTP/1.0 200", 0) == 0);
  CHECK(old_closed);
}

TEST_CASE("a body over the limit is refused at once: declared (413 before it is sent) or chunked") {
  api::ServiceOptions options;
  options.max_body_bytes = 64 * 1024;
  testing::ApiFixture api(options);
  const auto customers_before = api.scalar("SELECT count(*) FROM customers");

  SUBCASE("a declared 100 MB Content-Length") {
    RawConnection client(port(api));
    const auto started = std::chrono::steady_clock::now();
    client.send(
        "POST /api/customers HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
        "Content-Length: 104857600\r\n\r\n");
    const auto [answer, closed] = client.readUntilClosed(kSoon);
    CHECK(statusOf(answer) == 413);
    CHECK(closed);
    CHECK(std::chrono::steady_clock::now() - started < std::chrono::milliseconds(1000));
    CHECK(testing::parseJson(bodyOf(answer))["fields"].HasMember("body"));
  }
  SUBCASE("a chunked body streamed without end: cut off at the limit, others still served") {
    RawConnection client(port(api));
    client.send(
        "POST /api/customers HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
        "Transfer-Encoding: chunked\r\n\r\n");
    const std::string chunk = "4000\r\n" + std::string(0x4000, 'x') + "\r\n";
    std::size_t sent = 0;
    std::thread streamer([&] {
      for (int i = 0; i < 6400 && client.send(chunk); ++i) sent += 0x4000;  // up to 100 MB
    });
    testing::HttpClient other(api.baseUrl());
    const auto started = std::chrono::steady_clock::now();
    CHECK(other.get("/healthz").status == 200);
    CHECK(std::chrono::steady_clock::now() - started < std::chrono::milliseconds(500));
    streamer.join();
    CHECK(sent < 100u * 1024 * 1024);  // the server stopped reading long before the end
    const auto [answer, closed] = client.readUntilClosed(kSoon);
    CHECK(statusOf(answer) == 413);
    CHECK(closed);
  }
  CHECK(refusedCount(api, "body_too_large", 413) == 1);
  CHECK(api.scalar("SELECT count(*) FROM customers") == customers_before);
}

TEST_CASE("pipelined requests are all answered, in the order they were sent") {
  testing::ApiFixture api;
  testing::HttpClient http(api.baseUrl());
  REQUIRE(http.request("POST", "/api/customers",
                       R"({"name":"Pipe","phone":"+44 20 7946 0001","email":"pipe@example.com"})")
              .status == 201);
  RawConnection client(port(api));
  std::string pipeline;
  // Answers from the reactor (/healthz) and from the database threads mixed.
  const std::vector<std::string> paths = {"/healthz", "/api/customers/1", "/healthz",
                                          "/api/customers?limit=1", "/api/customers/999"};
  for (std::size_t i = 0; i < paths.size(); ++i) {
    pipeline += "GET " + paths[i] + " HTTP/1.1\r\nHost: localhost\r\nX-Request-Id: r" +
                std::to_string(i) + "\r\n\r\n";
  }
  client.send(pipeline);
  const auto answers = client.readUntil("X-Request-Id: r4", std::chrono::seconds(5));
  std::size_t last = 0;
  for (std::size_t i = 0; i < paths.size(); ++i) {
    const auto at = answers.find("X-Request-Id: r" + std::to_string(i) + "\r\n");
    REQUIRE_MESSAGE(at != std::string::npos, answers);
    CHECK(at >= last);
    last = at;
  }
  CHECK(answers.find("404 Not Found") != std::string::npos);
}

TEST_CASE("Expect: 100-continue gets 100 Continue before the body is sent") {
  testing::ApiFixture api;
  RawConnection client(port(api));
  const std::string body =
      R"({"name":"Cont","phone":"+44 20 7946 0002","email":"cont@example.com"})";
  client.send(
      "POST /api/customers HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
      "Expect: 100-continue\r\nContent-Length: " +
      std::to_string(body.size()) + "\r\n\r\n");
  CHECK(client.readUntil("\r\n\r\n", kSoon).rfind("HTTP/1.1 100 Continue\r\n\r\n", 0) == 0);
  client.send(body);
  CHECK(statusOf(client.readUntil("\r\n\r\n", kSoon)) == 201);
}

TEST_CASE("connections over the limit get 503 and are closed, and the limit frees up") {
  api::ServerOptions server;
  server.max_connections = 4;
  testing::ApiFixture api({}, 2, server);
  std::vector<std::unique_ptr<RawConnection>> held;
  for (int i = 0; i < 4; ++i) {
    held.push_back(std::make_unique<RawConnection>(port(api)));
    held.back()->send("GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n");
    CHECK(statusOf(held.back()->readUntil("\r\n\r\n", kSoon)) == 200);
  }
  {
    RawConnection extra(port(api));
    const auto [answer, closed] = extra.readUntilClosed(kSoon);
    CHECK(statusOf(answer) == 503);
    CHECK(closed);
    CHECK(answer.find("too many connections") != std::string::npos);
  }
  CHECK(refusedCount(api, "too_many_connections", 503) == 1);
  CHECK(testing::waitUntil(
      [&] { return api.metrics().render().find("http_connections_open 4") != std::string::npos; }));
  held.pop_back();
  REQUIRE(testing::waitUntil(
      [&] { return api.metrics().render().find("http_connections_open 3") != std::string::npos; }));
  RawConnection again(port(api));
  again.send("GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n");
  CHECK(statusOf(again.readUntil("\r\n\r\n", kSoon)) == 200);
}

TEST_CASE("a request that misses its header deadline gets 408, is closed and counted") {
  api::ServerOptions server;
  server.header_timeout = std::chrono::milliseconds(600);
  server.body_timeout = std::chrono::milliseconds(1200);
  testing::ApiFixture api({}, 2, server);
  RawConnection slow(port(api));
  slow.send("GET /healthz HTTP/1.1\r\nHost: localhost\r\n");
  const auto [answer, closed] = slow.readUntilClosed(std::chrono::seconds(3));
  CHECK(answer.find("408") != std::string::npos);
  CHECK(closed);
  CHECK(testing::waitUntil([&] { return refusedCount(api, "header_timeout", 408) == 1; }));

  RawConnection slow_body(port(api));
  slow_body.send("POST /api/customers HTTP/1.1\r\nHost: localhost\r\nContent-Length: 10\r\n\r\n{");
  const auto [body_answer, body_closed] = slow_body.readUntilClosed(std::chrono::seconds(3));
  CHECK(body_answer.find("408") != std::string::npos);
  CHECK(body_closed);
  CHECK(testing::waitUntil([&] { return refusedCount(api, "body_timeout", 408) == 1; }));
}
