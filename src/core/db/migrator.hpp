#pragma once
// Forward-only schema migrations: files NNNN_name.sql in one folder, applied
// in order, each in its own transaction together with its row in
// schema_migrations. A second run applies nothing; an applied file whose
// content changed is an error.

#include <filesystem>
#include <pqxx/connection>
#include <string>
#include <vector>

#include "core/result.hpp"

namespace core::db {

struct MigrationFile {
  std::string version;  // "0001"
  std::string name;     // "0001_customers_and_outbox.sql"
  std::filesystem::path path;
  std::string sql;
  std::string checksum;  // FNV-1a 64 of the contents, hex
};

struct MigrationReport {
  std::vector<std::string> applied;  // file names applied by this run
  std::size_t already_applied = 0;
};

// Reads and orders the migration files of `dir`; rejects names that do not
// match NNNN_name.sql and duplicate versions.
Result<std::vector<MigrationFile>> loadMigrations(const std::filesystem::path& dir);

// Applies the pending migrations. Concurrent runs against one database are
// serialised by an advisory lock.
Result<MigrationReport> migrate(pqxx::connection& connection,
                                const std::vector<MigrationFile>& migrations);

std::string checksumOf(const std::string& text);

}  // namespace core::db
