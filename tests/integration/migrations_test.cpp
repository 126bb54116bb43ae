#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <pqxx/pqxx>

#include "core/db/migrator.hpp"
#include "support/test_env.hpp"

namespace {

int countRows(const std::string& url, const std::string& sql) {
  pqxx::connection c(url);
  pqxx::nontransaction tx(c);
  return tx.exec1(sql)[0].as<int>();
}

bool tableExists(const std::string& url, const std::string& table) {
  return countRows(url,
                   "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename = '" +
                       table + "'") == 1;
}

core::Result<core::db::MigrationReport> migrateFolder(const std::string& url,
                                                      const std::string& dir) {
  auto files = core::db::loadMigrations(dir);
  if (!files) return files.error();
  pqxx::connection c(url);
  return core::db::migrate(c, *files);
}

}  // namespace

TEST_CASE("a fresh database gets every migration and a second run applies nothing") {
  testing::TempDatabase db("it_migrate");
  const auto dir = testing::sourcePath("sql/customers");

  auto first = migrateFolder(db.url(), dir);
  REQUIRE_MESSAGE(first.ok(), first.error().message);
  const auto total = core::db::loadMigrations(dir)->size();
  CHECK(first->applied.size() == total);
  CHECK(first->already_applied == 0);
  CHECK(tableExists(db.url(), "customers"));
  CHECK(tableExists(db.url(), "outbox"));
  CHECK(countRows(db.url(), "SELECT count(*) FROM schema_migrations") == static_cast<int>(total));

  auto second = migrateFolder(db.url(), dir);
  REQUIRE(second.ok());
  CHECK(second->applied.empty());
  CHECK(second->already_applied == total);
  CHECK(countRows(db.url(), "SELECT count(*) FROM schema_migrations") == static_cast<int>(total));
}

TEST_CASE("the replica and notification schemas apply to their own databases") {
  testing::TempDatabase replica("it_migrate_replica");
  auto r = migrateFolder(replica.url(), testing::sourcePath("sql/replica"));
  REQUIRE_MESSAGE(r.ok(), r.error().message);
  CHECK(tableExists(replica.url(), "customers"));
  CHECK(tableExists(replica.url(), "consumer_offsets"));
  CHECK_FALSE(tableExists(replica.url(), "outbox"));

  testing::TempDatabase notifications("it_migrate_notify");
  auto n = migrateFolder(notifications.url(), testing::sourcePath("sql/notifications"));
  REQUIRE_MESSAGE(n.ok(), n.error().message);
  CHECK(tableExists(notifications.url(), "notification_log"));
  CHECK_FALSE(tableExists(notifications.url(), "customers"));
}

TEST_CASE("a failing migration leaves nothing of itself and stops the run") {
  testing::TempDatabase db("it_migrate_fail");
  const auto dir = std::filesystem::temp_directory_path() / testing::uniqueName("migrations");
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "0001_good.sql") << "CREATE TABLE good (id int);";
  std::ofstream(dir / "0002_bad.sql")
      << "CREATE TABLE half (id int); SELECT no_such_column FROM good;";
  std::ofstream(dir / "0003_later.sql") << "CREATE TABLE later (id int);";

  auto result = migrateFolder(db.url(), dir.string());
  std::filesystem::remove_all(dir);
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().message.find("0002_bad.sql") != std::string::npos);
  CHECK(tableExists(db.url(), "good"));
  CHECK_FALSE(tableExists(db.url(), "half"));
  CHECK_FALSE(tableExists(db.url(), "later"));
  CHECK(countRows(db.url(), "SELECT count(*) FROM schema_migrations") == 1);
}

TEST_CASE("an applied migration whose file changed is refused") {
  testing::TempDatabase db("it_migrate_changed");
  const auto dir = std::filesystem::temp_directory_path() / testing::uniqueName("migrations");
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "0001_first.sql") << "CREATE TABLE first (id int);";
  REQUIRE(migrateFolder(db.url(), dir.string()).ok());
  std::ofstream(dir / "0001_first.sql") << "CREATE TABLE first (id bigint);";
  auto result = migrateFolder(db.url(), dir.string());
  std::filesystem::remove_all(dir);
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().kind == core::ErrorKind::kConflict);
  CHECK(result.error().message.find("0001_first.sql") != std::string::npos);
}

TEST_CASE("pipeline-admin migrate is a no-op the second time") {
  testing::TempDatabase db("it_migrate_cli");
  const auto command = testing::binaryPath("src/admin/pipeline-admin") +
                       " migrate --database-url '" + db.url() + "' --dir " +
                       testing::sourcePath("sql/customers");
  auto first = testing::runCommand(command);
  CHECK_MESSAGE(first.exit_code == 0, first.output);
  CHECK(first.output.find("applied 0001_customers.sql") != std::string::npos);
  auto second = testing::runCommand(command);
  CHECK_MESSAGE(second.exit_code == 0, second.output);
  CHECK(second.output.find(": 0 applied") != std::string::npos);
}
