#pragma once
// A tiny HTTP server for daemons without an API of their own (relay, workers):
// GET /metrics (Prometheus text), /healthz (alive) and /readyz (the daemon's
// own readiness check). Everything else is 404.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "core/metrics/registry.hpp"
#include "core/result.hpp"

namespace core::http {

class StatusServer {
 public:
  // `ready` returns an empty string when ready, else the reason it is not.
  StatusServer(metrics::Registry& registry, std::function<std::string()> ready);
  ~StatusServer();
  StatusServer(const StatusServer&) = delete;
  StatusServer& operator=(const StatusServer&) = delete;

  // "host:port"; port 0 picks a free one. kInvalidArgument / kUnavailable on failure.
  Status start(const std::string& address);
  std::uint16_t port() const;
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace core::http
