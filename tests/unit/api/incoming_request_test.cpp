// From a framed request to what the service sees, and the drain of requests
// in progress at shutdown.

#include "api/incoming_request.hpp"

#include <doctest/doctest.h>

#include <future>

#include "api/in_flight_requests.hpp"

using api::InFlightRequests;
using api::ParsedRequest;
using api::toHttpRequest;

TEST_CASE("the query is decoded, the first of a repeated parameter counts") {
  ParsedRequest parsed;
  parsed.method = "GET";
  parsed.path = "/api/customers";
  parsed.query = "q=ada%20l&limit=5&&limit=9&plus=a+b&flag&bad=%zz";
  const auto request = toHttpRequest(parsed);
  CHECK(request.method == "GET");
  CHECK(request.path == "/api/customers");
  CHECK(request.param("q") == "ada l");
  CHECK(request.param("limit") == "5");
  CHECK(request.param("plus") == "a b");
  CHECK(request.param("flag") == "");
  CHECK(request.param("bad") == "%zz");  // kept as sent; a malformed escape is no reason to fail
}

TEST_CASE("repeated headers are joined, a sane X-Request-Id is kept, any other replaced") {
  ParsedRequest parsed;
  parsed.headers = {{"accept", "a"}, {"accept", "b"}, {"x-request-id", "abc-123_x.y"}};
  auto request = toHttpRequest(parsed);
  CHECK(request.header("accept") == "a, b");
  CHECK(request.request_id == "abc-123_x.y");

  parsed.headers = {{"x-request-id", "has space"}};
  request = toHttpRequest(parsed);
  CHECK(request.request_id != "has space");
  CHECK(request.request_id.size() == 36);  // a UUID

  parsed.headers = {{"x-request-id", std::string(129, 'a')}};
  CHECK(toHttpRequest(parsed).request_id.size() == 36);
}

TEST_CASE("draining turns new requests away and waits for those in progress") {
  InFlightRequests in_flight;
  REQUIRE(in_flight.enter());
  REQUIRE(in_flight.enter());
  in_flight.leave();
  CHECK(in_flight.drain(std::chrono::milliseconds(10)) == 1);  // one still in progress
  CHECK_FALSE(in_flight.enter());
  auto drained = std::async(std::launch::async,
                            [&] { return in_flight.drain(std::chrono::milliseconds(5000)); });
  in_flight.leave();
  CHECK(drained.get() == 0);
}
