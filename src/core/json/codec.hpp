#pragma once
// JSON text <-> domain types, on RapidJSON. Decoding never throws: a bad
// document gives an Error that names the offending field.

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <string>

#include "core/domain/customer.hpp"
#include "core/domain/events.hpp"
#include "core/json/strict_parse.hpp"
#include "core/result.hpp"

namespace core::json {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void writeCustomer(Writer& writer, const domain::Customer& customer);
std::string encodeCustomer(const domain::Customer& customer);
Result<domain::Customer> decodeCustomer(const rapidjson::Value& value);

std::string encodeCrudEvent(const domain::CrudEvent& event);
Result<domain::CrudEvent> decodeCrudEvent(const std::string& text);

std::string encodeNotificationEvent(const domain::NotificationEvent& event);
Result<domain::NotificationEvent> decodeNotificationEvent(const std::string& text);

}  // namespace core::json
