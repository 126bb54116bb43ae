#pragma once
// A fixed-size PostgreSQL connection pool. Connections open lazily, a lease
// gives one connection to one thread, and a connection that broke while leased
// is dropped and replaced on a later acquire.

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <pqxx/connection>
#include <string>
#include <vector>

#include "core/result.hpp"

namespace core::db {

struct PoolOptions {
  std::string url;
  std::size_t size = 8;
  std::chrono::milliseconds acquire_timeout{5000};
  int connect_timeout_seconds = 5;
  // Runs once on each new connection (prepare statements, SET options).
  std::function<void(pqxx::connection&)> on_connect;
};

struct PoolStats {
  std::size_t size = 0;        // configured maximum
  std::size_t open = 0;        // connections that exist now
  std::size_t in_use = 0;      // leased now
  std::size_t max_in_use = 0;  // high-water mark
  std::uint64_t acquired = 0;  // leases handed out
  std::uint64_t timeouts = 0;  // acquires that gave up
  std::uint64_t replaced = 0;  // broken connections dropped
};

class ConnectionPool;

class Lease {
 public:
  Lease(Lease&& other) noexcept;
  Lease& operator=(Lease&&) = delete;
  Lease(const Lease&) = delete;
  Lease& operator=(const Lease&) = delete;
  ~Lease();

  pqxx::connection& operator*() const { return *connection_; }
  pqxx::connection* operator->() const { return connection_.get(); }

 private:
  friend class ConnectionPool;
  Lease(ConnectionPool* pool, std::unique_ptr<pqxx::connection> connection);
  ConnectionPool* pool_;
  std::unique_ptr<pqxx::connection> connection_;
};

class ConnectionPool {
 public:
  explicit ConnectionPool(PoolOptions options);
  ~ConnectionPool();
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  // Waits up to acquire_timeout for a connection; kUnavailable when none
  // becomes free or the server cannot be reached.
  Result<Lease> acquire();
  PoolStats stats() const;
  const PoolOptions& options() const { return options_; }

 private:
  friend class Lease;
  void release(std::unique_ptr<pqxx::connection> connection);
  Result<std::unique_ptr<pqxx::connection>> connect();

  PoolOptions options_;
  std::string url_;
  mutable std::mutex mutex_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<pqxx::connection>> idle_;
  PoolStats stats_;
};

// Opens one connection and runs SELECT 1: the start-up reachability check.
Status checkDatabase(const std::string& url, int connect_timeout_seconds = 5);

}  // namespace core::db
