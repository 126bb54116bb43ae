#pragma once
// PostgreSQL array literals: a whole column bound as one text parameter
// ($1::bigint[], unnest(...)) instead of one statement per row.

#include <cstdint>
#include <string>
#include <vector>

namespace core::db {

// {1,2,3}
std::string arrayLiteral(const std::vector<std::int64_t>& values);
std::string arrayLiteral(const std::vector<std::int32_t>& values);
// {t,f}
std::string arrayLiteral(const std::vector<bool>& values);
// {"a","b \" c"}: every element quoted, so "NULL", "" and text with commas,
// braces or spaces stay text; '"' and '\' are escaped.
std::string arrayLiteral(const std::vector<std::string>& values);

}  // namespace core::db
