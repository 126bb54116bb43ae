#include "core/db/pool.hpp"

#include <poll.h>

#include <pqxx/pqxx>

#include "core/db/connect.hpp"
#include "core/db/connection_url.hpp"
#include "core/db/errors.hpp"

namespace core::db {

Lease::Lease(ConnectionPool* pool, std::unique_ptr<pqxx::connection> connection)
    : pool_(pool), connection_(std::move(connection)) {}

Lease::Lease(Lease&& other) noexcept
    : pool_(other.pool_), connection_(std::move(other.connection_)) {
  other.pool_ = nullptr;
}

Lease::~Lease() {
  if (pool_ != nullptr) pool_->release(std::move(connection_));
}

ConnectionPool::ConnectionPool(PoolOptions options)
    : options_(std::move(options)),
      url_(withConnectTimeout(options_.url, options_.connect_timeout_seconds)) {
  if (options_.size == 0) throw std::invalid_argument("connection pool size must be at least 1");
  stats_.size = options_.size;
}

ConnectionPool::~ConnectionPool() = default;

Result<std::unique_ptr<pqxx::connection>> ConnectionPool::connect() {
  try {
    auto connection = std::make_unique<pqxx::connection>(url_);
    if (options_.on_connect) options_.on_connect(*connection);
    return connection;
  } catch (const std::exception& e) {
    Error error = translateException(e);
    error.kind = ErrorKind::kUnavailable;
    error.message = "cannot connect to " + redactPassword(options_.url) + ": " + e.what();
    return error;
  }
}

namespace {

// An idle connection has nothing to read: when its socket is readable or hung
// up, the server has closed it (restart, failover, pg_terminate_backend; the
// FATAL message may arrive before the hang-up) or sent something we did not
// ask for. Either way it is not reused. Costs one poll(0) per acquire.
bool stillConnected(const pqxx::connection& connection) {
  if (!connection.is_open()) return false;
  pollfd socket{connection.sock(), POLLIN | POLLRDHUP, 0};
  if (::poll(&socket, 1, 0) < 0) return true;  // cannot tell: the statement will find out
  return socket.revents == 0;
}

}  // namespace

Result<Lease> ConnectionPool::acquire() {
  std::unique_lock<std::mutex> lock(mutex_);
  const auto deadline = std::chrono::steady_clock::now() + options_.acquire_timeout;
  while (idle_.empty() && stats_.open >= options_.size) {
    if (available_.wait_until(lock, deadline) == std::cv_status::timeout && idle_.empty() &&
        stats_.open >= options_.size) {
      ++stats_.timeouts;
      return Error{ErrorKind::kUnavailable, "no database connection free within " +
                                                std::to_string(options_.acquire_timeout.count()) +
                                                " ms (pool size " + std::to_string(options_.size) +
                                                ")"};
    }
  }
  auto account = [this]() {
    ++stats_.in_use;
    ++stats_.acquired;
    stats_.max_in_use = std::max(stats_.max_in_use, stats_.in_use);
  };
  std::unique_ptr<pqxx::connection> reused;
  if (!idle_.empty()) {
    reused = std::move(idle_.back());
    idle_.pop_back();
  } else {
    ++stats_.open;  // reserve the slot, then connect without holding the lock
  }
  account();
  lock.unlock();
  if (reused) {
    if (stillConnected(*reused)) return Lease(this, std::move(reused));
    // The server closed it (restart, failover, idle timeout): replace it now
    // instead of failing the caller's first statement.
    reused.reset();
    std::lock_guard<std::mutex> relock(mutex_);
    ++stats_.replaced;
  }
  auto connection = connect();
  if (!connection) {
    lock.lock();
    --stats_.open;
    --stats_.in_use;
    --stats_.acquired;
    available_.notify_one();
    return connection.error();
  }
  return Lease(this, std::move(connection).value());
}

void ConnectionPool::release(std::unique_ptr<pqxx::connection> connection) {
  std::lock_guard<std::mutex> lock(mutex_);
  --stats_.in_use;
  if (connection && connection->is_open()) {
    idle_.push_back(std::move(connection));
  } else {
    --stats_.open;
    ++stats_.replaced;
  }
  available_.notify_one();
}

PoolStats ConnectionPool::stats() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return stats_;
}

Status checkDatabase(const std::string& url, int connect_timeout_seconds) {
  auto connection = openConnection(url, connect_timeout_seconds);
  if (!connection) return connection.error();
  try {
    pqxx::nontransaction tx(**connection);
    tx.exec("SELECT 1");
    return {};
  } catch (const std::exception& e) {
    return Error{ErrorKind::kUnavailable,
                 "database " + redactPassword(url) + " unreachable: " + e.what()};
  }
}

}  // namespace core::db
