#include "api/customer_input.hpp"

#include <rapidjson/document.h>

#include <array>
#include <cctype>
#include <cstring>

#include "api/text.hpp"
#include "core/json/strict_parse.hpp"
#include "core/text/utf8.hpp"

namespace api {

namespace {

constexpr std::array<const char*, 7> kReadOnlyFields = {
    "id", "version", "deleted", "created_on", "updated_on", "created_by", "updated_by"};
constexpr std::array<const char*, 3> kWritableFields = {"name", "phone", "email"};

bool isOneOf(const char* name, const char* const* begin, const char* const* end) {
  for (auto it = begin; it != end; ++it) {
    if (std::strcmp(name, *it) == 0) return true;
  }
  return false;
}

// C0 controls and DEL: no customer field has a use for them.
bool hasControlCharacter(const std::string& text) {
  for (unsigned char c : text) {
    if (c < 0x20 || c == 0x7F) return true;
  }
  return false;
}

// strchr(set, c) finds the terminator when c is NUL; this does not.
bool isIn(const char* set, char c) {
  return c != '\0' && std::strchr(set, c) != nullptr;
}

// Parses a JSON object body; the error is the response to send.
std::optional<HttpResponse> parseObject(const std::string& body, rapidjson::Document& doc) {
  // The body size is limited by the server before this; depth 2 is enough
  // for any body we accept and lets a nested value reach the field checks.
  if (auto parsed = core::json::parseStrict(body, doc, {body.size(), 2}); !parsed) {
    return errorResponse(400, "invalid_json", "request body: " + parsed.error().message);
  }
  if (!doc.IsObject())
    return errorResponse(400, "invalid_json", "request body must be a JSON object");
  return std::nullopt;
}

using Check = std::optional<std::string> (*)(const std::string&);

Check checkFor(const std::string& field) {
  if (field == "name") return checkName;
  if (field == "phone") return checkPhone;
  return checkEmail;
}

// Reads the writable fields present in doc into out (by name), collecting
// problems; `required` makes a missing field a problem, a null is always one.
void readFields(const rapidjson::Document& doc, bool required, FieldErrors& errors,
                std::array<std::optional<std::string>, 3>& out) {
  for (const auto& member : doc.GetObject()) {
    const char* name = member.name.GetString();
    if (isOneOf(name, kWritableFields.begin(), kWritableFields.end()) ||
        isOneOf(name, kReadOnlyFields.begin(), kReadOnlyFields.end())) {
      continue;
    }
    errors[name] = "is not a customer field";
  }
  for (std::size_t i = 0; i < kWritableFields.size(); ++i) {
    const std::string field = kWritableFields[i];
    auto it = doc.FindMember(field.c_str());
    if (it == doc.MemberEnd()) {
      if (required) errors[field] = "is required";
      continue;
    }
    if (it->value.IsNull()) {
      errors[field] = "is required and cannot be null";
      continue;
    }
    if (!it->value.IsString()) {
      errors[field] = "must be a string";
      continue;
    }
    std::string value = trim(std::string(it->value.GetString(), it->value.GetStringLength()));
    // Before the field's own rules: PostgreSQL refuses invalid UTF-8 (a lone
    // surrogate escape decodes to such bytes) and cuts a value at a NUL.
    if (!core::text::isStorableText(value)) {
      errors[field] = "must be valid UTF-8 without NUL characters";
      continue;
    }
    if (hasControlCharacter(value)) {
      errors[field] = "must not contain control characters";
      continue;
    }
    if (auto problem = checkFor(field)(value)) {
      errors[field] = *problem;
      continue;
    }
    out[i] = std::move(value);
  }
}

}  // namespace

std::optional<std::string> checkName(const std::string& name) {
  if (name.empty()) return "must not be blank";
  if (core::text::codePoints(name) > kMaxNameLength) return "must be at most 400 characters";
  if (hasControlCharacter(name)) return "must not contain control characters";
  return std::nullopt;
}

std::optional<std::string> checkPhone(const std::string& phone) {
  if (phone.empty()) return "must not be blank";
  if (phone.size() > kMaxPhoneLength) return "must be at most 32 characters";
  int digits = 0;
  for (std::size_t i = 0; i < phone.size(); ++i) {
    const char c = phone[i];
    if (c >= '0' && c <= '9') {
      ++digits;
    } else if (c == '+' && i == 0) {
    } else if (!isIn(" -().", c)) {
      return "may contain only digits, spaces, a leading + and - ( ) .";
    }
  }
  if (digits < 5) return "must contain at least 5 digits";
  return std::nullopt;
}

std::optional<std::string> checkEmail(const std::string& email) {
  if (email.empty()) return "must not be blank";
  if (email.size() > kMaxEmailLength) return "must be at most 254 characters";
  const auto at = email.find('@');
  if (at == std::string::npos || at == 0 || email.find('@', at + 1) != std::string::npos) {
    return "must be an e-mail address like name@example.com";
  }
  const std::string local = email.substr(0, at);
  const std::string domain = email.substr(at + 1);
  if (local.size() > 64) return "has a local part longer than 64 characters";
  for (char c : local) {
    const bool ok =
        std::isalnum(static_cast<unsigned char>(c)) != 0 || isIn("!#$%&'*+/=?^_`{|}~.-", c);
    if (!ok) return "must be an e-mail address like name@example.com";
  }
  if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string::npos) {
    return "must be an e-mail address like name@example.com";
  }
  // Domain: dot-separated labels of letters, digits and inner hyphens.
  if (domain.find('.') == std::string::npos) return "must have a domain like example.com";
  std::size_t start = 0;
  while (start <= domain.size()) {
    auto end = domain.find('.', start);
    if (end == std::string::npos) end = domain.size();
    const std::string label = domain.substr(start, end - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
      return "must have a domain like example.com";
    }
    for (char c : label) {
      if (std::isalnum(static_cast<unsigned char>(c)) == 0 && c != '-') {
        return "must have a domain like example.com";
      }
    }
    start = end + 1;
  }
  return std::nullopt;
}

Parsed<CustomerInput> parseCustomerInput(const std::string& body) {
  rapidjson::Document doc;
  if (auto error = parseObject(body, doc)) return {std::nullopt, *error};
  FieldErrors errors;
  std::array<std::optional<std::string>, 3> values;
  readFields(doc, true, errors, values);
  if (!errors.empty()) return {std::nullopt, validationFailed(errors)};
  return {CustomerInput{*values[0], *values[1], *values[2]}, {}};
}

Parsed<CustomerPatch> parseCustomerPatch(const std::string& body) {
  rapidjson::Document doc;
  if (auto error = parseObject(body, doc)) return {std::nullopt, *error};
  FieldErrors errors;
  std::array<std::optional<std::string>, 3> values;
  readFields(doc, false, errors, values);
  if (!errors.empty()) return {std::nullopt, validationFailed(errors)};
  return {CustomerPatch{values[0], values[1], values[2]}, {}};
}

}  // namespace api
