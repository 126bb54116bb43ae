#include "api/http_connection.hpp"

#include <doctest/doctest.h>

#include <string>
#include <thread>
#include <vector>

using api::FramingError;
using api::HttpConnection;
using api::ParsedRequest;
using api::RequestLimits;
using Phase = api::HttpConnection::Phase;

namespace {

// Records what the connection hands on; answers at once when told to.
class RecordingSink : public api::RequestSink {
 public:
  void dispatch(ParsedRequest request) override {
    paths.push_back(request.path);
    if (answer_at_once) connection->answered(!request.keep_alive);
  }
  void refuse(const FramingError& error) override { refusals.push_back(error.status); }
  void sendContinue() override { ++continues; }

  HttpConnection* connection = nullptr;
  bool answer_at_once = false;
  std::vector<std::string> paths;
  std::vector<int> refusals;
  int continues = 0;
};

std::string get(const std::string& path, const std::string& extra = "") {
  return "GET " + path + " HTTP/1.1\r\nHost: h\r\n" + extra + "\r\n";
}

}  // namespace

TEST_CASE("pipelined requests go out one at a time, the next only after an answer") {
  RecordingSink sink;
  HttpConnection connection(RequestLimits{}, sink);
  sink.connection = &connection;
  CHECK(connection.phase() == Phase::kIdle);
  CHECK(connection.received(get("/a") + get("/b") + get("/c")));
  CHECK(sink.paths == std::vector<std::string>{"/a"});
  CHECK(connection.phase() == Phase::kBusy);
  connection.answered(false);
  CHECK(sink.paths == std::vector<std::string>{"/a", "/b"});
  connection.answered(false);
  connection.answered(false);
  CHECK(sink.paths == std::vector<std::string>{"/a", "/b", "/c"});
  CHECK(connection.phase() == Phase::kIdle);
  CHECK(connection.requestsBegun() == 3);
}

TEST_CASE("answers given inside dispatch do not recurse and keep the order") {
  RecordingSink sink;
  sink.answer_at_once = true;
  std::string many;
  for (int i = 0; i < 5000; ++i) many += get("/" + std::to_string(i));
  RequestLimits roomy;
  roomy.max_body_bytes = many.size();  // lets the whole pipeline wait in the buffer
  HttpConnection big(roomy, sink);
  sink.connection = &big;
  CHECK(big.received(many));
  REQUIRE(sink.paths.size() == 5000);
  CHECK(sink.paths.front() == "/0");
  CHECK(sink.paths.back() == "/4999");
}

TEST_CASE("after a refusal or an answer that closes, input is dropped") {
  RecordingSink sink;
  HttpConnection connection(RequestLimits{}, sink);
  sink.connection = &connection;
  SUBCASE("refusal") {
    CHECK(connection.received("GET / HTTP/1.1\nHost: h\n\n" + get("/after")));
    CHECK(sink.refusals == std::vector<int>{400});
    CHECK(sink.paths.empty());
    CHECK(connection.phase() == Phase::kClosing);
  }
  SUBCASE("Connection: close") {
    CHECK(connection.received(get("/last", "Connection: close\r\n") + get("/after")));
    connection.answered(true);
    CHECK(connection.received(get("/later")));
    CHECK(sink.paths == std::vector<std::string>{"/last"});
    CHECK(connection.phase() == Phase::kClosing);
  }
}

TEST_CASE("phases follow the request: head, body, busy, and 100 Continue once when asked") {
  RecordingSink sink;
  HttpConnection connection(RequestLimits{}, sink);
  sink.connection = &connection;
  connection.received("POST /x HTTP/1.1\r\nHost: h\r\n");
  CHECK(connection.phase() == Phase::kHead);
  connection.received("Expect: 100-continue\r\nContent-Length: 4\r\n\r\n");
  CHECK(connection.phase() == Phase::kBody);
  CHECK(sink.continues == 1);
  connection.received("ab");
  CHECK(sink.continues == 1);
  connection.received("cd");
  CHECK(connection.phase() == Phase::kBusy);
  CHECK(sink.paths == std::vector<std::string>{"/x"});
}

TEST_CASE("more than a request's worth sent while one is answered closes the connection") {
  RecordingSink sink;
  RequestLimits limits;
  limits.max_body_bytes = 1024;
  HttpConnection connection(limits, sink);
  sink.connection = &connection;
  CHECK(connection.received(get("/slow")));
  CHECK(connection.received(std::string(limits.max_header_bytes, 'x')));
  CHECK_FALSE(connection.received(std::string(200 * 1024, 'x')));
  CHECK(connection.phase() == Phase::kClosing);
}

TEST_CASE("answers from another thread while bytes keep arriving lose no request") {
  RecordingSink sink;
  HttpConnection connection(RequestLimits{}, sink);
  sink.connection = &connection;
  std::thread answerer([&] {
    for (int answered = 0; answered < 200;) {
      if (connection.phase() == Phase::kBusy) {
        connection.answered(false);
        ++answered;
      } else {
        std::this_thread::yield();
      }
    }
  });
  for (int i = 0; i < 200; ++i) connection.received(get("/" + std::to_string(i)));
  answerer.join();
  REQUIRE(sink.paths.size() == 200);
  for (int i = 0; i < 200; ++i) CHECK(sink.paths[i] == "/" + std::to_string(i));
}
