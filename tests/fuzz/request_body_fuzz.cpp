// libFuzzer target: everything that reads an untrusted request or event body.
// It checks invariants, not just "no crash": a parse either yields a valid
// value or a 4xx whose body is JSON naming the problem.

#include <rapidjson/document.h>

#include <cstdint>
#include <cstdlib>
#include <string>

#include "api/customer_input.hpp"
#include "api/url.hpp"
#include "core/json/codec.hpp"

namespace {

void require(bool condition) {
  if (!condition) std::abort();
}

void checkErrorBody(const api::HttpResponse& error) {
  require(error.status == 400);
  rapidjson::Document doc;
  doc.Parse(error.body.c_str());
  require(!doc.HasParseError() && doc.IsObject() && doc.HasMember("error") &&
          doc.HasMember("message"));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string body(reinterpret_cast<const char*>(data), size);

  auto input = api::parseCustomerInput(body);
  if (input.value) {
    require(!api::checkName(input.value->name) && !api::checkPhone(input.value->phone) &&
            !api::checkEmail(input.value->email));
  } else {
    checkErrorBody(input.error);
  }
  auto patch = api::parseCustomerPatch(body);
  if (patch.value) {
    if (patch.value->name) require(!api::checkName(*patch.value->name));
    if (patch.value->email) require(!api::checkEmail(*patch.value->email));
  } else {
    checkErrorBody(patch.error);
  }

  // Events read by the workers must decode or fail cleanly, and re-encode stably.
  if (auto event = core::json::decodeCrudEvent(body); event.ok()) {
    const auto again = core::json::decodeCrudEvent(core::json::encodeCrudEvent(*event));
    require(again.ok() && again->id == event->id && again->version == event->version);
  }
  (void)core::json::decodeNotificationEvent(body);

  if (auto query = api::parseQuery(body)) {
    for (const auto& [name, value] : *query)
      require(api::urlDecode(api::urlEncode(value)) == value);
  }
  return 0;
}
