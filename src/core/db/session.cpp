#include "core/db/session.hpp"

#include <pqxx/pqxx>

#include "core/db/connect.hpp"

namespace core::db {

Session::Session(SessionOptions options) : options_(std::move(options)) {}
Session::~Session() = default;
Session::Session(Session&&) noexcept = default;
Session& Session::operator=(Session&&) noexcept = default;

bool Session::connected() const {
  return connection_ && connection_->is_open();
}

void Session::disconnect() {
  connection_.reset();
}

Status Session::connect() {
  if (connected()) return {};
  connection_.reset();
  auto opened = openConnection(options_.url, options_.connect_timeout_seconds, options_.label);
  if (!opened) return opened.error();
  auto& c = **opened;
  auto ready = guarded([&]() -> Status {
    if (!options_.application_name.empty()) {
      c.set_variable("application_name", c.quote(options_.application_name));
    }
    for (const auto& setting : options_.settings) c.set_variable(setting.name, setting.value);
    if (options_.on_connect) {
      if (auto accepted = options_.on_connect(c); !accepted) return accepted;
    }
    // libpqxx sends a statement to the server on its first use.
    for (const auto& statement : options_.statements) c.prepare(statement.name, statement.sql);
    return {};
  });
  if (!ready) return ready;
  connection_ = std::move(opened).value();
  return {};
}

Status Session::ensureConnected() {
  if (connected()) return {};
  if (!options_.reconnect_on_run) {
    connection_.reset();
    return Error{ErrorKind::kUnavailable, "no " + options_.label + " session"};
  }
  return connect();
}

Error Session::failed(const std::exception& e) {
  auto error = translateException(e);
  // Dropped rather than left to libpqxx 6's quiet reactivation on next use:
  // the owner must see the loss once (a session lock went with it), and
  // on_connect must run again on the new connection.
  if (error.kind == ErrorKind::kUnavailable || !connected()) connection_.reset();
  return error;
}

}  // namespace core::db
