#pragma once
// What every connection of one HttpServer shares.

#include <atomic>
#include <cstdint>
#include <memory>

#include "api/access_log.hpp"
#include "api/api_service.hpp"
#include "api/in_flight_requests.hpp"
#include "api/refusal_log.hpp"
#include "api/request_parser.hpp"

namespace api {

struct ServerContext {
  explicit ServerContext(std::shared_ptr<ApiService> api_service)
      : service(std::move(api_service)), refusals(service->metrics()) {}

  std::shared_ptr<ApiService> service;
  RefusalLog refusals;
  std::shared_ptr<InFlightRequests> in_flight;
  std::shared_ptr<AccessLog> access_log;  // null: none
  RequestLimits limits;
  std::size_t max_connections = 0;
  std::shared_ptr<std::atomic<std::int64_t>> open = std::make_shared<std::atomic<std::int64_t>>(0);
  std::atomic<bool> stopping{false};
};

}  // namespace api
