#include "core/logging/logging.hpp"

#include <doctest/doctest.h>

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>

TEST_CASE("a log file rotates by size and keeps the configured number of files") {
  const auto dir =
      std::filesystem::temp_directory_path() / ("outbox-log-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto path = (dir / "daemon.log").string();
  auto logger = core::logging::makeLogger("rotation", {path, 4096, 2});
  REQUIRE(logger.ok());
  for (int i = 0; i < 500; ++i) (*logger)->info("line {} {}", i, std::string(80, 'x'));
  (*logger)->flush();
  // spdlog numbers the rotated files before the extension.
  CHECK(std::filesystem::exists(path));
  CHECK(std::filesystem::exists(dir / "daemon.1.log"));
  CHECK(std::filesystem::exists(dir / "daemon.2.log"));
  CHECK_FALSE(std::filesystem::exists(dir / "daemon.3.log"));
  std::uintmax_t total = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) total += entry.file_size();
  CHECK(total <= 3 * 4096);
  std::filesystem::remove_all(dir);
}

TEST_CASE("a log file that cannot be written is an error naming it") {
  auto logger = core::logging::makeLogger("bad", {"/proc/no-such-dir/x.log", 4096, 2});
  REQUIRE_FALSE(logger.ok());
  CHECK(logger.error().message.find("/proc/no-such-dir/x.log") != std::string::npos);
}
