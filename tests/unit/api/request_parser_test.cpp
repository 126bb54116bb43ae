#include "api/request_parser.hpp"

#include <doctest/doctest.h>

#include <string>

using api::ParsedRequest;
using api::RequestLimits;
using api::RequestParser;
using Progress = api::RequestParser::Progress;

namespace {

RequestLimits smallLimits() {
  RequestLimits limits;
  limits.max_request_line = 64;
  limits.max_header_bytes = 128;
  limits.max_headers = 4;
  limits.max_body_bytes = 16;
  return limits;
}

// Feeds `bytes` in one piece and parses.
Progress feed(RequestParser& parser, const std::string& bytes) {
  parser.append(bytes);
  return parser.parse();
}

// The status a request is refused with (0 when it is not refused).
int refusedWith(const std::string& bytes, RequestLimits limits = smallLimits()) {
  RequestParser parser(limits);
  return feed(parser, bytes) == Progress::kRefused ? parser.error().status : 0;
}

std::string header(const ParsedRequest& request, const std::string& name) {
  for (const auto& [key, value] : request.headers) {
    if (key == name) return value;
  }
  return "(none)";
}

}  // namespace

TEST_CASE("a plain request is framed: method, path, query, headers, keep-alive") {
  RequestParser parser(smallLimits());
  REQUIRE(feed(parser,
               "GET /api/customers?limit=5&x HTTP/1.1\r\nHost: localhost:8080\r\n"
               "X-Thing:  spaced value \t\r\n\r\n") == Progress::kComplete);
  const auto request = parser.take();
  CHECK(request.method == "GET");
  CHECK(request.path == "/api/customers");
  CHECK(request.query == "limit=5&x");
  CHECK(header(request, "host") == "localhost:8080");
  CHECK(header(request, "x-thing") == "spaced value");
  CHECK(request.keep_alive);
  CHECK_FALSE(request.http10);
  CHECK(request.body.empty());
}

TEST_CASE("a request that arrives a byte at a time is framed the same") {
  const std::string bytes =
      "POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello";
  RequestParser parser(smallLimits());
  for (std::size_t i = 0; i + 1 < bytes.size(); ++i) {
    REQUIRE(feed(parser, bytes.substr(i, 1)) == Progress::kNeedMore);
    CHECK(parser.started());
  }
  REQUIRE(feed(parser, bytes.substr(bytes.size() - 1)) == Progress::kComplete);
  const auto request = parser.take();
  CHECK(request.body == "hello");
  CHECK_FALSE(request.keep_alive);
  CHECK_FALSE(parser.started());
}

TEST_CASE("pipelined requests are taken one after the other") {
  RequestParser parser(smallLimits());
  REQUIRE(feed(parser, "GET /a HTTP/1.1\r\nHost: h\r\n\r\nGET /b HTTP/1.1\r\nHost: h\r\n\r\nGET") ==
          Progress::kComplete);
  CHECK(parser.take().path == "/a");
  REQUIRE(parser.parse() == Progress::kComplete);
  CHECK(parser.take().path == "/b");
  CHECK(parser.parse() == Progress::kNeedMore);
  CHECK(parser.started());
}

TEST_CASE("chunked bodies are de-chunked, extensions and trailers checked and dropped") {
  RequestParser parser(smallLimits());
  REQUIRE(feed(parser,
               "POST /x HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
               "5;name=value\r\nhello\r\n3\r\n123\r\n0\r\nX-Trailer: t\r\n\r\n") ==
          Progress::kComplete);
  CHECK(parser.take().body == "hello123");
}

TEST_CASE("HTTP/1.0 closes unless it asks for keep-alive, and needs no Host") {
  RequestParser parser(smallLimits());
  REQUIRE(feed(parser, "GET / HTTP/1.0\r\n\r\n") == Progress::kComplete);
  auto request = parser.take();
  CHECK(request.http10);
  CHECK_FALSE(request.keep_alive);
  REQUIRE(feed(parser, "GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n") == Progress::kComplete);
  CHECK(parser.take().keep_alive);
}

TEST_CASE("absolute-form targets keep their path and query") {
  RequestParser parser(smallLimits());
  REQUIRE(feed(parser, "GET http://h:1/p?q=1 HTTP/1.1\r\nHost: h:1\r\n\r\n") ==
          Progress::kComplete);
  auto request = parser.take();
  CHECK(request.path == "/p");
  CHECK(request.query == "q=1");
  REQUIRE(feed(parser, "GET https://h?q HTTP/1.1\r\nHost: h\r\n\r\n") == Progress::kComplete);
  request = parser.take();
  CHECK(request.path == "/");
  CHECK(request.query == "q");
}

TEST_CASE("malformed request lines are refused with 400 as soon as they show") {
  CHECK(refusedWith("GET /\r\nHost: h\r\n\r\n") == 400);                 // no version
  CHECK(refusedWith("GET / HTTP/1.1 extra\r\nHost: h\r\n\r\n") == 400);  // four parts
  CHECK(refusedWith("GET  / HTTP/1.1\r\nHost: h\r\n\r\n") == 400);       // two spaces
  CHECK(refusedWith("G(T / HTTP/1.1\r\nHost: h\r\n\r\n") == 400);        // method not a token
  CHECK(refusedWith("GET / FTP/1.1\r\nHost: h\r\n\r\n") == 400);
  CHECK(refusedWith("GET relative HTTP/1.1\r\nHost: h\r\n\r\n") == 400);
  CHECK(refusedWith("GET /a#frag HTTP/1.1\r\nHost: h\r\n\r\n") == 400);
  CHECK(refusedWith("GET * HTTP/1.1\r\nHost: h\r\n\r\n") == 400);  // * is for OPTIONS
  CHECK(refusedWith("GET /\xc3\xa9 HTTP/1.1\r\nHost: h\r\n\r\n") == 400);
  CHECK(refusedWith("\r\n\r\n\r\n\r\n\r\n") == 400);  // blank lines only
  CHECK(refusedWith("GET / HTTP/2.0\r\nHost: h\r\n\r\n") == 505);

  SUBCASE("a TLS ClientHello is refused at its first byte") {
    RequestParser parser(smallLimits());
    CHECK(feed(parser, std::string("\x16\x03\x01\x02\x00", 5)) == Progress::kRefused);
    CHECK(parser.error().message.find("TLS") != std::string::npos);
    CHECK(parser.error().reason == "bad_request_line");
  }
}

TEST_CASE("line endings must be CRLF: a bare LF or CR is refused, a CR split from its LF is not") {
  CHECK(refusedWith("GET / HTTP/1.1\nHost: h\n\n") == 400);
  CHECK(refusedWith("GET / HTTP/1.1\r\nHost: h\n\r\n") == 400);
  CHECK(refusedWith("GET / HTTP/1.1\r\nHost: h\rX: y\r\n\r\n") == 400);
  RequestParser parser(smallLimits());
  CHECK(feed(parser, "GET / HTTP/1.1\r") == Progress::kNeedMore);
  CHECK(feed(parser, "\nHost: h\r") == Progress::kNeedMore);
  CHECK(feed(parser, "\n\r") == Progress::kNeedMore);
  CHECK(feed(parser, "\n") == Progress::kComplete);
}

TEST_CASE("malformed headers are refused with 400 and the header named") {
  SUBCASE("no colon") {
    CHECK(refusedWith("GET / HTTP/1.1\r\nHost h\r\n\r\n") == 400);
  }
  SUBCASE("folded") {
    CHECK(refusedWith("GET / HTTP/1.1\r\nHost: h\r\nX-A: a\r\n  folded\r\n\r\n") == 400);
  }
  SUBCASE("space before the colon") {
    CHECK(refusedWith("GET / HTTP/1.1\r\nHost : h\r\n\r\n") == 400);
  }
  SUBCASE("control byte in a value") {
    CHECK(refusedWith(std::string("GET / HTTP/1.1\r\nHost: h\r\nX: a\x01z\r\n\r\n")) == 400);
  }
  SUBCASE("Host") {
    RequestParser parser(smallLimits());
    CHECK(feed(parser, "GET / HTTP/1.1\r\nHost: a:abc\r\n\r\n") == Progress::kRefused);
    CHECK(parser.error().field == "Host");
    CHECK(refusedWith("GET / HTTP/1.1\r\n\r\n") == 400);  // 1.1 needs a Host
    CHECK(refusedWith("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n") == 400);
    CHECK(refusedWith("GET / HTTP/1.1\r\nHost: a:99999\r\n\r\n") == 400);
    CHECK(refusedWith("GET / HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n") == 0);
    CHECK(refusedWith("GET / HTTP/1.1\r\nHost: a b\r\n\r\n") == 400);
  }
  SUBCASE("Date must be an HTTP date") {
    RequestParser parser(smallLimits());
    CHECK(feed(parser, "GET / HTTP/1.1\r\nHost: h\r\nDate: x\r\n\r\n") == Progress::kRefused);
    CHECK(parser.error().field == "Date");
    CHECK(refusedWith("GET / HTTP/1.1\r\nHost: h\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\n\r\n") ==
          0);
  }
  SUBCASE("Expect other than 100-continue: 417") {
    CHECK(refusedWith("GET / HTTP/1.1\r\nHost: h\r\nExpect: magic\r\n\r\n") == 417);
  }
}

TEST_CASE("lengths that cannot be trusted are refused before any body is read") {
  const std::string head = "POST / HTTP/1.1\r\nHost: h\r\n";
  CHECK(refusedWith(head + "Content-Length: -1\r\n\r\n") == 400);
  CHECK(refusedWith(head + "Content-Length: 1x\r\n\r\n") == 400);
  CHECK(refusedWith(head + "Content-Length: 3\r\nContent-Length: 4\r\n\r\nabcd") == 400);
  CHECK(refusedWith(head + "Content-Length: 3, 3\r\n\r\nabc") == 0);
  CHECK(refusedWith(head + "Content-Length: 99999999999999999999\r\n\r\n") == 400);
  CHECK(refusedWith(head + "Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n") == 400);
  CHECK(refusedWith(head + "Transfer-Encoding: gzip\r\n\r\n") == 400);  // chunked not last
  CHECK(refusedWith(head + "Transfer-Encoding: gzip, chunked\r\n\r\n") == 501);
  CHECK(refusedWith("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n") == 400);
}

TEST_CASE("a body over the limit is refused when declared, or as soon as chunks pass it") {
  SUBCASE("declared: 413 before a byte of it arrives") {
    RequestParser parser(smallLimits());
    CHECK(feed(parser, "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 17\r\n\r\n") ==
          Progress::kRefused);
    CHECK(parser.error().status == 413);
    CHECK(parser.error().field == "body");
  }
  SUBCASE("exactly the limit is accepted") {
    CHECK(refusedWith("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 16\r\n\r\n0123456789abcdef") ==
          0);
  }
  SUBCASE("chunked: the chunk that would pass the limit is refused") {
    RequestParser parser(smallLimits());
    CHECK(feed(parser,
               "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
               "8\r\n01234567\r\n8\r\n01234567\r\n") == Progress::kNeedMore);
    CHECK(feed(parser, "1\r\n") == Progress::kRefused);
    CHECK(parser.error().status == 413);
  }
  SUBCASE("chunk syntax") {
    const std::string head = "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n";
    CHECK(refusedWith(head + "zz\r\n") == 400);
    CHECK(refusedWith(head + "2\r\nabc\r\n") == 400);  // data longer than its size
    CHECK(refusedWith(head + "-1\r\n") == 400);
  }
}

TEST_CASE("request lines and header sections over their limits: 414 and 431, before the end") {
  CHECK(refusedWith("GET /" + std::string(100, 'a')) == 414);  // no line end needed
  CHECK(refusedWith("GET /" + std::string(59, 'a') + " HTTP/1.1\r\nHost: h\r\n\r\n") == 414);
  CHECK(refusedWith("GET /" + std::string(50, 'a') + " HTTP/1.1\r\nHost: h\r\n\r\n") == 0);
  CHECK(refusedWith("GET / HTTP/1.1\r\nHost: h\r\nX: " + std::string(200, 'v')) == 431);
  CHECK(refusedWith("GET / HTTP/1.1\r\nHost: h\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n") == 431);
  CHECK(refusedWith("GET / HTTP/1.1\r\nHost: h\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n") == 0);
}

TEST_CASE("Expect: 100-continue is noted only when a body is to come") {
  RequestParser parser(smallLimits());
  CHECK(feed(parser,
             "POST / HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 2\r\n"
             "\r\n") == Progress::kNeedMore);
  CHECK(parser.awaitingContinue());
  CHECK(feed(parser, "ab") == Progress::kComplete);
  parser.take();
  CHECK(feed(parser, "GET / HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\n\r\n") ==
        Progress::kComplete);
  CHECK_FALSE(parser.take().expects_continue);
}

TEST_CASE("after a refusal the parser takes nothing more") {
  RequestParser parser(smallLimits());
  CHECK(feed(parser, "BAD\n") == Progress::kRefused);
  CHECK(feed(parser, "GET / HTTP/1.1\r\nHost: h\r\n\r\n") == Progress::kRefused);
  CHECK_FALSE(parser.started());
}
