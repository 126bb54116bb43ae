// core::db::Session against the test stack's PostgreSQL: lazy connect,
// application_name, settings and prepared statements on every connection,
// and a killed backend that fails once and is replaced on the next run.

#include "core/db/session.hpp"

#include <doctest/doctest.h>

#include <pqxx/pqxx>

#include "support/test_env.hpp"

namespace {

using core::ErrorKind;
using core::db::Session;
using core::db::SessionOptions;

constexpr const char* kAdd = "SELECT $1::int + $2::int";
constexpr const char* kBackendPid = "SELECT pg_backend_pid()";

SessionOptions optionsFor(const testing::TempDatabase& db, const std::string& application_name) {
  SessionOptions options;
  options.url = db.url();
  options.application_name = application_name;
  options.settings = {{"statement_timeout", "'1234ms'"}};
  options.statements = {{"session_test_add", kAdd}, {"session_test_pid", kBackendPid}};
  return options;
}

// Seen from another connection, as an operator would.
long long scalar(const testing::TempDatabase& db, const std::string& sql) {
  pqxx::connection admin(db.url());
  pqxx::nontransaction tx(admin);
  return tx.exec1(sql)[0].as<long long>();
}

long long sessionsNamed(const testing::TempDatabase& db, const std::string& application_name) {
  return scalar(db,
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND application_name = '" +
                    application_name + "'");
}

core::Result<int> backendPid(Session& session) {
  return session.run([](pqxx::connection& c) -> core::Result<int> {
    pqxx::nontransaction tx(c);
    return tx.exec_prepared1("session_test_pid")[0].as<int>();
  });
}

core::Result<int> add(Session& session, int a, int b) {
  return session.run([&](pqxx::connection& c) -> core::Result<int> {
    pqxx::nontransaction tx(c);
    return tx.exec_prepared1("session_test_add", a, b)[0].as<int>();
  });
}

core::Result<std::string> show(Session& session, const std::string& setting) {
  return session.run([&](pqxx::connection& c) -> core::Result<std::string> {
    pqxx::nontransaction tx(c);
    return std::string(tx.exec1("SHOW " + setting)[0].c_str());
  });
}

void terminate(const testing::TempDatabase& db, int pid) {
  const auto pid_text = std::to_string(pid);
  REQUIRE(scalar(db, "SELECT pg_terminate_backend(" + pid_text + ")::int") == 1);
  // The backend is gone once it leaves pg_stat_activity.
  REQUIRE(testing::waitUntil([&]() {
    return scalar(db, "SELECT count(*) FROM pg_stat_activity WHERE pid = " + pid_text) == 0;
  }));
}

}  // namespace

TEST_CASE("a session connects on first use, named, with its settings and prepared statements") {
  testing::TempDatabase db("it_session");
  const auto name = testing::uniqueName("session_lazy");
  Session session(optionsFor(db, name));
  CHECK_FALSE(session.connected());
  CHECK(sessionsNamed(db, name) == 0);

  const auto sum = add(session, 2, 3);
  REQUIRE(sum.ok());
  CHECK(*sum == 5);
  CHECK(session.connected());
  CHECK(sessionsNamed(db, name) == 1);
  CHECK(show(session, "statement_timeout").value() == "1234ms");
  CHECK(show(session, "application_name").value() == name);

  session.disconnect();
  CHECK_FALSE(session.connected());
  CHECK(testing::waitUntil([&]() { return sessionsNamed(db, name) == 0; }));
}

TEST_CASE("a killed backend fails one run as unavailable, and the next run reconnects") {
  testing::TempDatabase db("it_session_killed");
  const auto name = testing::uniqueName("session_killed");
  Session session(optionsFor(db, name));
  const auto victim = backendPid(session);
  REQUIRE(victim.ok());
  terminate(db, *victim);

  const auto lost = backendPid(session);
  REQUIRE_FALSE(lost.ok());
  CHECK(lost.error().kind == ErrorKind::kUnavailable);
  CHECK_FALSE(session.connected());

  const auto replacement = backendPid(session);
  REQUIRE(replacement.ok());
  CHECK(*replacement != *victim);
  CHECK(session.connected());
  // The new connection got the whole set-up again.
  CHECK(add(session, 20, 22).value() == 42);
  CHECK(show(session, "statement_timeout").value() == "1234ms");
  CHECK(sessionsNamed(db, name) == 1);
}

TEST_CASE("without reconnect_on_run, a lost session stays closed until connect()") {
  testing::TempDatabase db("it_session_explicit");
  auto options = optionsFor(db, testing::uniqueName("session_explicit"));
  options.reconnect_on_run = false;
  Session session(std::move(options));

  const auto unopened = backendPid(session);
  REQUIRE_FALSE(unopened.ok());
  CHECK(unopened.error().kind == ErrorKind::kUnavailable);
  CHECK(unopened.error().message == "no database session");

  REQUIRE(session.connect().ok());
  const auto victim = backendPid(session);
  REQUIRE(victim.ok());
  terminate(db, *victim);
  CHECK(backendPid(session).error().kind == ErrorKind::kUnavailable);
  CHECK(backendPid(session).error().message == "no database session");
  CHECK_FALSE(session.connected());

  REQUIRE(session.connect().ok());
  const auto replacement = backendPid(session);
  REQUIRE(replacement.ok());
  CHECK(*replacement != *victim);
}

TEST_CASE("an SQL error is translated and keeps the connection") {
  testing::TempDatabase db("it_session_sql_error");
  Session session(optionsFor(db, testing::uniqueName("session_sql_error")));
  const auto before = backendPid(session);
  REQUIRE(before.ok());
  const auto failed = session.run([](pqxx::connection& c) -> core::Status {
    pqxx::nontransaction tx(c);
    tx.exec("SELECT * FROM no_such_table");
    return {};
  });
  REQUIRE_FALSE(failed.ok());
  CHECK(failed.error().kind == ErrorKind::kInternal);
  CHECK(failed.error().message.find("42P01") != std::string::npos);
  CHECK(session.connected());
  CHECK(backendPid(session).value() == *before);
}

TEST_CASE("on_connect runs on every new connection, and its refusal leaves the session closed") {
  testing::TempDatabase db("it_session_on_connect");
  const auto name = testing::uniqueName("session_on_connect");
  auto options = optionsFor(db, name);
  int calls = 0;
  bool refuse = true;
  options.on_connect = [&](pqxx::connection&) -> core::Status {
    ++calls;
    if (refuse) return core::Error{ErrorKind::kNotFound, "schema missing"};
    return {};
  };
  Session session(std::move(options));

  const auto refused = backendPid(session);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().kind == ErrorKind::kNotFound);
  CHECK(refused.error().message == "schema missing");
  CHECK_FALSE(session.connected());
  CHECK(testing::waitUntil([&]() { return sessionsNamed(db, name) == 0; }));

  refuse = false;
  const auto victim = backendPid(session);
  REQUIRE(victim.ok());
  CHECK(calls == 2);
  CHECK(backendPid(session).ok());
  CHECK(calls == 2);  // once per connection, not per run
  terminate(db, *victim);
  CHECK_FALSE(backendPid(session).ok());
  CHECK(backendPid(session).ok());
  CHECK(calls == 3);
}

TEST_CASE("an unreachable server is unavailable, named by label, without the password") {
  SessionOptions options;
  options.url = "postgresql://postgres:secret@127.0.0.1:1/none";
  options.label = "replica database";
  Session session(std::move(options));
  const auto started = std::chrono::steady_clock::now();
  const auto opened = session.connect();
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(10));
  REQUIRE_FALSE(opened.ok());
  CHECK(opened.error().kind == ErrorKind::kUnavailable);
  CHECK(opened.error().message.rfind(
            "replica database postgresql://postgres:***@127.0.0.1:1/none unreachable: ", 0) == 0);
  CHECK(opened.error().message.find("secret") == std::string::npos);
  CHECK_FALSE(session.connected());
}
