#pragma once
// One PostgreSQL session for one thread: the connection of a component that
// is not served by the pool (the relay's lock session, the workers' stores,
// the operator commands). It opens lazily, sets application_name and the
// session settings, prepares its statements on every new connection, runs
// units of work with libpqxx exceptions translated (errors.hpp), and drops a
// broken connection so that the next use opens a new one.

#include <functional>
#include <memory>
#include <pqxx/connection>
#include <string>
#include <type_traits>
#include <vector>

#include "core/db/errors.hpp"
#include "core/result.hpp"

namespace core::db {

struct PreparedStatement {
  std::string name;
  std::string sql;
};

struct SessionSetting {
  std::string name;
  std::string value;  // SQL text: "off", "'2s'"
};

struct SessionOptions {
  std::string url;
  std::string application_name;  // what pg_stat_activity shows (tests and operators find it)
  std::vector<SessionSetting> settings;       // SET on every new connection, in order
  std::vector<PreparedStatement> statements;  // prepared on every new connection
  // Runs on every new connection after the settings (a schema check): an
  // error keeps the connection closed and is returned as it is.
  std::function<Status(pqxx::connection&)> on_connect;
  std::string label = "database";  // names the database in error messages
  int connect_timeout_seconds = 5;
  // false when the connection carries state that a silent reconnect would
  // lose (a session-level advisory lock): run() then fails with kUnavailable
  // until the owner calls connect() and re-establishes that state.
  bool reconnect_on_run = true;
};

class Session {
 public:
  explicit Session(SessionOptions options);
  ~Session();
  Session(Session&&) noexcept;
  Session& operator=(Session&&) noexcept;
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Opens the connection if it is not open. kUnavailable when the server
  // cannot be reached; on_connect's error when that refuses.
  Status connect();
  bool connected() const;
  void disconnect();

  // Runs fn(connection), which returns a Result<T> or a Status, opening the
  // connection first when needed (see reconnect_on_run). Whatever libpqxx
  // throws becomes an Error; a lost connection (kUnavailable) is dropped, so
  // that this run fails once and the next one reconnects.
  template <typename Fn>
  auto run(Fn&& fn) -> std::invoke_result_t<Fn&, pqxx::connection&>;

  const SessionOptions& options() const { return options_; }

 private:
  Status ensureConnected();
  Error failed(const std::exception& e);

  SessionOptions options_;
  std::unique_ptr<pqxx::connection> connection_;
};

template <typename Fn>
auto Session::run(Fn&& fn) -> std::invoke_result_t<Fn&, pqxx::connection&> {
  if (auto ready = ensureConnected(); !ready) return ready.error();
  try {
    return fn(*connection_);
  } catch (const std::exception& e) {
    return failed(e);
  }
}

}  // namespace core::db
