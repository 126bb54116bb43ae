#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "core/db/migrator.hpp"
#include "support/test_env.hpp"

namespace fs = std::filesystem;

namespace {
struct TempFolder {
  fs::path path = fs::temp_directory_path() / testing::uniqueName("migrations");
  TempFolder() { fs::create_directories(path); }
  ~TempFolder() { fs::remove_all(path); }
  void write(const std::string& name, const std::string& text) const {
    std::ofstream(path / name) << text;
  }
};
}  // namespace

TEST_CASE("migration files are ordered by version and other files ignored") {
  TempFolder dir;
  dir.write("0002_second.sql", "SELECT 2;");
  dir.write("0010_tenth.sql", "SELECT 10;");
  dir.write("0001_first.sql", "SELECT 1;");
  dir.write("README.md", "not a migration");
  auto files = core::db::loadMigrations(dir.path);
  REQUIRE(files.ok());
  REQUIRE(files->size() == 3);
  CHECK((*files)[0].name == "0001_first.sql");
  CHECK((*files)[1].name == "0002_second.sql");
  CHECK((*files)[2].version == "0010");
  CHECK((*files)[0].sql == "SELECT 1;");
}

TEST_CASE("a badly named .sql file and a duplicate version are refused") {
  TempFolder dir;
  dir.write("0001_first.sql", "SELECT 1;");
  SUBCASE("bad name") {
    dir.write("1_oops.sql", "SELECT 1;");
    auto files = core::db::loadMigrations(dir.path);
    REQUIRE_FALSE(files.ok());
    CHECK(files.error().message.find("1_oops.sql") != std::string::npos);
  }
  SUBCASE("duplicate version") {
    dir.write("0001_again.sql", "SELECT 1;");
    auto files = core::db::loadMigrations(dir.path);
    REQUIRE_FALSE(files.ok());
    CHECK(files.error().message.find("0001") != std::string::npos);
  }
}

TEST_CASE("a missing folder is an error that names it") {
  auto files = core::db::loadMigrations("/nonexistent/migrations");
  REQUIRE_FALSE(files.ok());
  CHECK(files.error().message.find("/nonexistent/migrations") != std::string::npos);
}

TEST_CASE("the checksum changes with the contents") {
  CHECK(core::db::checksumOf("SELECT 1;") == core::db::checksumOf("SELECT 1;"));
  CHECK(core::db::checksumOf("SELECT 1;") != core::db::checksumOf("SELECT 2;"));
}
