// core::db::requireTable: the one "apply the migrations" answer.

#include "core/db/schema_check.hpp"

#include <doctest/doctest.h>

#include <pqxx/pqxx>

#include "support/test_env.hpp"

TEST_CASE(
    "requireTable accepts an existing table and names the folder to apply for a missing one") {
  testing::TempDatabase db("it_schema_check");
  pqxx::connection c(db.url());
  pqxx::nontransaction(c).exec("CREATE TABLE present_table (id int)");
  CHECK(core::db::requireTable(c, "present_table", "sql/x").ok());
  const auto missing = core::db::requireTable(c, "absent_table", "sql/x");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().kind == core::ErrorKind::kNotFound);
  CHECK(missing.error().message ==
        "the database has no absent_table table: apply the sql/x migrations (pipeline-admin "
        "migrate --dir sql/x)");
}
