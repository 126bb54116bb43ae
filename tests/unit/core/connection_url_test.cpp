#include "core/db/connection_url.hpp"

#include <doctest/doctest.h>

using core::db::redactPassword;
using core::db::withConnectTimeout;
using core::db::withDatabase;

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

TEST_CASE("withDatabase names another database and keeps user, host and parameters") {
  CHECK(withDatabase("postgresql://u:pw@h:1/customers", "notifications") ==
        "postgresql://u:pw@h:1/notifications");
  CHECK(withDatabase("postgresql://u@h:1/a?sslmode=disable", "b") ==
        "postgresql://u@h:1/b?sslmode=disable");
  CHECK(withDatabase("postgresql://u@h:1", "b") == "postgresql://u@h:1/b");
  CHECK(withDatabase("postgresql://u@h:1?x=1", "b") == "postgresql://u@h:1/b?x=1");
  CHECK(withDatabase("host=h dbname=a", "b") == "host=h dbname=a dbname=b");
}
