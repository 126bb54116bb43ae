#include "core/db/outbox_row.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <pqxx/field>

namespace core::db {

OutboxRow readOutboxRow(const pqxx::row& row, int first) {
  OutboxRow out;
  out.id = row[first].as<std::int64_t>();
  out.topic = row[first + 1].c_str();
  out.key = row[first + 2].c_str();
  out.aggregate_type = row[first + 3].c_str();
  out.aggregate_id = row[first + 4].as<std::int64_t>();
  out.aggregate_version = row[first + 5].as<std::int32_t>();
  out.event_type = row[first + 6].c_str();
  out.payload.assign(row[first + 7].c_str(), row[first + 7].size());
  const auto headers = row[first + 8];
  out.headers = parseHeaders(std::string_view(headers.c_str(), headers.size()));
  out.created_at_micros = row[first + 9].as<std::int64_t>();
  out.attempts = row[first + 10].as<int>();
  return out;
}

OutboxHeaders eventHeaders(const std::string& event_id, const std::string& event_type) {
  return {{kEventIdHeader, event_id}, {kEventTypeHeader, event_type}};
}

std::string encodeHeaders(const OutboxHeaders& headers) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.StartObject();
  for (const auto& [name, value] : headers) {
    writer.Key(name.data(), static_cast<rapidjson::SizeType>(name.size()));
    writer.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
  }
  writer.EndObject();
  return {buffer.GetString(), buffer.GetSize()};
}

OutboxHeaders parseHeaders(std::string_view json) {
  OutboxHeaders out;
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  if (doc.HasParseError() || !doc.IsObject()) return out;
  for (const auto& member : doc.GetObject()) {
    if (!member.value.IsString()) continue;
    out.emplace_back(std::string(member.name.GetString(), member.name.GetStringLength()),
                     std::string(member.value.GetString(), member.value.GetStringLength()));
  }
  return out;
}

}  // namespace core::db
