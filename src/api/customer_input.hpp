#pragma once
// Request bodies for customers: parsing and validation. Pure functions, no I/O.
//
// Unknown fields are rejected with 400, except the read-only fields of a
// customer (id, version, deleted, created_on, ...): those are ignored, so a
// body fetched with GET can be sent back with PUT.

#include <optional>
#include <string>

#include "api/http_errors.hpp"

namespace api {

struct CustomerInput {
  std::string name;
  std::string phone;
  std::string email;
};

// A merge patch: a field is absent (keep) or present (replace). Removing a
// field (null) is refused because every field is required.
struct CustomerPatch {
  std::optional<std::string> name;
  std::optional<std::string> phone;
  std::optional<std::string> email;
};

inline constexpr std::size_t kMaxNameLength = 400;  // characters, as varchar(400)
inline constexpr std::size_t kMaxPhoneLength = 32;
inline constexpr std::size_t kMaxEmailLength = 254;

// Either the parsed value or the 400 response to send.
template <typename T>
struct Parsed {
  std::optional<T> value;
  HttpResponse error;
};

Parsed<CustomerInput> parseCustomerInput(const std::string& body);
Parsed<CustomerPatch> parseCustomerPatch(const std::string& body);

// Each returns the problem with the value, or nothing when it is valid.
std::optional<std::string> checkName(const std::string& name);
std::optional<std::string> checkPhone(const std::string& phone);
std::optional<std::string> checkEmail(const std::string& email);

}  // namespace api
