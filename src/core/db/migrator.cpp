#include "core/db/migrator.hpp"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <pqxx/pqxx>
#include <regex>
#include <sstream>

#include "core/db/errors.hpp"
#include "core/hash.hpp"

namespace core::db {

namespace {

// Any fixed number works; it only has to be the same for every migrator.
constexpr long long kMigrationLockKey = 0x6d69677261746531LL;  // "migrate1"

constexpr const char* kCreateTable = R"SQL(
CREATE TABLE IF NOT EXISTS schema_migrations (
  version    text PRIMARY KEY,
  name       text NOT NULL,
  checksum   text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
))SQL";
constexpr const char* kSelectApplied = "SELECT version, name, checksum FROM schema_migrations";
constexpr const char* kInsertApplied =
    "INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)";

}  // namespace

std::string checksumOf(const std::string& text) {
  return fingerprint(text);
}

Result<std::vector<MigrationFile>> loadMigrations(const std::filesystem::path& dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    return Error{ErrorKind::kInvalidArgument,
                 "migration folder " + dir.string() + " does not exist"};
  }
  static const std::regex kName(R"(^(\d{4})_[A-Za-z0-9_]+\.sql$)");
  std::vector<MigrationFile> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    const std::string name = entry.path().filename().string();
    std::smatch match;
    if (!std::regex_match(name, match, kName)) {
      if (entry.path().extension() == ".sql") {
        return Error{ErrorKind::kInvalidArgument,
                     "migration file " + name + " does not match NNNN_name.sql"};
      }
      continue;  // READMEs and the like
    }
    std::ifstream in(entry.path(), std::ios::binary);
    std::ostringstream contents;
    contents << in.rdbuf();
    MigrationFile file{match[1].str(), name, entry.path(), contents.str(), ""};
    file.checksum = checksumOf(file.sql);
    files.push_back(std::move(file));
  }
  std::sort(files.begin(), files.end(),
            [](const auto& a, const auto& b) { return a.version < b.version; });
  for (std::size_t i = 1; i < files.size(); ++i) {
    if (files[i].version == files[i - 1].version) {
      return Error{ErrorKind::kInvalidArgument, "two migrations share version " + files[i].version +
                                                    ": " + files[i - 1].name + ", " +
                                                    files[i].name};
    }
  }
  return files;
}

Result<MigrationReport> migrate(pqxx::connection& connection,
                                const std::vector<MigrationFile>& migrations) {
  return guarded([&]() -> Result<MigrationReport> {
    {
      pqxx::nontransaction session(connection);
      session.exec("SELECT pg_advisory_lock(" + std::to_string(kMigrationLockKey) + ")");
    }
    // The lock belongs to the session; release it whatever happens below.
    struct Unlock {
      pqxx::connection& c;
      ~Unlock() {
        try {
          pqxx::nontransaction session(c);
          session.exec("SELECT pg_advisory_unlock_all()");
        } catch (...) {  // connection gone: the server released the lock already
        }
      }
    } unlock{connection};

    std::map<std::string, std::pair<std::string, std::string>> applied;  // version -> name, sum
    {
      pqxx::work tx(connection);
      tx.exec(kCreateTable);
      for (const auto& row : tx.exec(kSelectApplied)) {
        applied[row[0].c_str()] = {row[1].c_str(), row[2].c_str()};
      }
      tx.commit();
    }

    MigrationReport report;
    for (const auto& file : migrations) {
      auto it = applied.find(file.version);
      if (it != applied.end()) {
        if (it->second.second != file.checksum) {
          return Error{ErrorKind::kConflict,
                       "migration " + file.name + " changed after it was applied (" +
                           it->second.first + "); add a new migration instead of editing it"};
        }
        ++report.already_applied;
        continue;
      }
      try {
        pqxx::work tx(connection);
        tx.exec(file.sql);
        tx.exec_params(kInsertApplied, file.version, file.name, file.checksum);
        tx.commit();
      } catch (const std::exception& e) {
        Error error = translateException(e);
        error.message = "migration " + file.name + " failed: " + error.message;
        return error;
      }
      report.applied.push_back(file.name);
    }
    return report;
  });
}

}  // namespace core::db
