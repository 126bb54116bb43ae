#include "support/test_env.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <pqxx/pqxx>
#include <random>
#include <stdexcept>
#include <thread>

#include "core/db/connection_url.hpp"

namespace testing {

std::string requiredEnv(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') {
    throw std::runtime_error(std::string(name) +
                             " is not set: run integration tests through setup/run-tests.sh, or "
                             "source var/test/env after setup/test-startup.sh");
  }
  return value;
}

std::string pgUrlBase() {
  return requiredEnv("PG_URL_BASE");
}
std::string kafkaBrokers() {
  return requiredEnv("KAFKA_BROKERS");
}

std::string roleUrl(Role role, const std::string& database) {
  const char* variable = "API_DATABASE_URL";
  switch (role) {
    case Role::kOwner: variable = "MIGRATOR_DATABASE_URL"; break;
    case Role::kApi: variable = "API_DATABASE_URL"; break;
    case Role::kRelay: variable = "RELAY_DATABASE_URL"; break;
    case Role::kReplication: variable = "REPLICATION_WORKER_DATABASE_URL"; break;
    case Role::kNotification: variable = "NOTIFICATION_WORKER_DATABASE_URL"; break;
  }
  return core::db::withDatabase(requiredEnv(variable), database);
}

std::string uniqueName(const std::string& prefix) {
  static std::atomic<int> counter{0};
  static const unsigned salt = std::random_device{}() % 100000;
  return prefix + "_" + std::to_string(getpid()) + "_" + std::to_string(counter++) + "_" +
         std::to_string(salt);
}

namespace {

// A logical slot (outbox-relay --source wal) keeps its database from being
// dropped, even WITH (FORCE), and would hold WAL for ever: its walsender is
// ended and the slot dropped first.
void dropReplicationSlots(pqxx::nontransaction& tx, const std::string& database) {
  const auto slots = "FROM pg_replication_slots WHERE database = " + tx.quote(database);
  for (int attempt = 0; attempt < 100; ++attempt) {
    tx.exec("SELECT pg_terminate_backend(active_pid) " + slots + " AND active");
    tx.exec("SELECT pg_drop_replication_slot(slot_name) " + slots + " AND NOT active");
    if (tx.exec1("SELECT count(*) " + slots)[0].as<int>() == 0) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

}  // namespace

TempDatabase::TempDatabase(const std::string& prefix)
    : name_(uniqueName(prefix)), url_(pgUrlBase() + "/" + name_) {
  pqxx::connection admin(pgUrlBase() + "/postgres");
  pqxx::nontransaction tx(admin);
  tx.exec("CREATE DATABASE " + tx.quote_name(name_));
}

TempDatabase::~TempDatabase() {
  try {
    pqxx::connection admin(pgUrlBase() + "/postgres");
    pqxx::nontransaction tx(admin);
    dropReplicationSlots(tx, name_);
    tx.exec("DROP DATABASE IF EXISTS " + tx.quote_name(name_) + " WITH (FORCE)");
  } catch (...) {  // the server may be gone at the end of a failed run
  }
}

bool waitUntil(const std::function<bool()>& predicate, std::chrono::milliseconds timeout,
               std::chrono::milliseconds interval) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    if (predicate()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(interval);
  }
}

CommandResult runCommand(const std::string& command_line) {
  CommandResult result;
  FILE* pipe = popen((command_line + " 2>&1").c_str(), "r");
  if (pipe == nullptr) throw std::runtime_error("popen failed for: " + command_line);
  char buffer[4096];
  size_t n = 0;
  while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) result.output.append(buffer, n);
  const int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

std::string binaryPath(const std::string& relative) {
  return std::string(OUTBOX_BINARY_DIR) + "/" + relative;
}

std::string sourcePath(const std::string& relative) {
  return std::string(OUTBOX_SOURCE_DIR) + "/" + relative;
}

std::size_t lineCount(const std::string& text) {
  std::size_t lines = 0;
  for (char c : text) lines += c == '\n' ? 1 : 0;
  return lines;
}

}  // namespace testing
