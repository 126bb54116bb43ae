#include "core/db/connection_url.hpp"

#include <doctest/doctest.h>

using core::db::redactPassword;
using core::db::withConnectTimeout;

TEST_CASE("a connect timeout is added to URLs and keyword strings that lack one") {
  CHECK(withConnectTimeout("postgresql://h:1/db", 5) == "postgresql://h:1/db?connect_timeout=5");
  CHECK(withConnectTimeout("postgresql://h/db?sslmode=disable", 3) ==
        "postgresql://h/db?sslmode=disable&connect_timeout=3");
  CHECK(withConnectTimeout("host=h dbname=db", 5) == "host=h dbname=db connect_timeout=5");
  CHECK(withConnectTimeout("postgresql://h/db?connect_timeout=9", 5) ==
        "postgresql://h/db?connect_timeout=9");
}

TEST_CASE("passwords never reach a log line") {
  CHECK(redactPassword("postgresql://app:s3cret@h:5432/db") == "postgresql://app:***@h:5432/db");
  CHECK(redactPassword("postgresql://app@h/db") == "postgresql://app@h/db");
  CHECK(redactPassword("host=h password=s3cret dbname=db") == "host=h password=*** dbname=db");
}
