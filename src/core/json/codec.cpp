#include "core/json/codec.hpp"

#include <rapidjson/error/en.h>

#include <limits>

namespace core::json {

namespace {

using domain::Customer;
using domain::Timestamp;

// Events are a flat object with two customer objects: depth 2 in practice.
constexpr ParseLimits kEventLimits{std::size_t{1024} * 1024, 8};

Error fieldError(const std::string& field, const std::string& problem) {
  return Error{ErrorKind::kInvalidArgument, "field '" + field + "' " + problem};
}

void writeString(Writer& w, const char* key, const std::string& value) {
  w.Key(key);
  w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}

void writeTimestamp(Writer& w, const char* key, Timestamp ts) {
  writeString(w, key, domain::formatIso8601(ts));
}

// Field readers: each returns an error naming the field when it is missing or
// of the wrong type.
class Reader {
 public:
  Reader(const rapidjson::Value& object, std::string prefix)
      : object_(object), prefix_(std::move(prefix)) {}

  const rapidjson::Value* find(const char* key) const {
    auto it = object_.FindMember(key);
    return it == object_.MemberEnd() ? nullptr : &it->value;
  }

  Status string(const char* key, std::string& out) const {
    const auto* v = find(key);
    if (v == nullptr) return fieldError(prefix_ + key, "is required");
    if (!v->IsString()) return fieldError(prefix_ + key, "must be a string");
    out.assign(v->GetString(), v->GetStringLength());
    return {};
  }

  Status optionalString(const char* key, std::string& out) const {
    const auto* v = find(key);
    if (v == nullptr || v->IsNull()) return {};
    return string(key, out);
  }

  template <typename Int>
  Status integer(const char* key, Int& out) const {
    const auto* v = find(key);
    if (v == nullptr) return fieldError(prefix_ + key, "is required");
    if (!v->IsInt64()) return fieldError(prefix_ + key, "must be an integer");
    const std::int64_t n = v->GetInt64();
    if (n < std::numeric_limits<Int>::min() || n > std::numeric_limits<Int>::max()) {
      return fieldError(prefix_ + key, "is out of range");
    }
    out = static_cast<Int>(n);
    return {};
  }

  Status boolean(const char* key, bool& out) const {
    const auto* v = find(key);
    if (v == nullptr) return fieldError(prefix_ + key, "is required");
    if (!v->IsBool()) return fieldError(prefix_ + key, "must be true or false");
    out = v->GetBool();
    return {};
  }

  Status timestamp(const char* key, Timestamp& out) const {
    std::string text;
    if (auto s = string(key, text); !s) return s;
    auto parsed = domain::parseIso8601(text);
    if (!parsed) return fieldError(prefix_ + key, "must be an ISO 8601 timestamp with a zone");
    out = *parsed;
    return {};
  }

  // An address list: a comma-separated string, a JSON array of strings, or null.
  Status addressList(const char* key, std::string& out) const {
    const auto* v = find(key);
    out.clear();
    if (v == nullptr || v->IsNull()) return {};
    if (v->IsString()) {
      out.assign(v->GetString(), v->GetStringLength());
      return {};
    }
    if (!v->IsArray()) return fieldError(prefix_ + key, "must be a string or an array of strings");
    for (const auto& item : v->GetArray()) {
      if (!item.IsString()) return fieldError(prefix_ + key, "must hold strings only");
      if (!out.empty()) out += ",";
      out.append(item.GetString(), item.GetStringLength());
    }
    return {};
  }

 private:
  const rapidjson::Value& object_;
  std::string prefix_;
};

#define RETURN_IF_ERROR(expr)                                    \
  do {                                                           \
    if (auto status_ = (expr); !status_) return status_.error(); \
  } while (false)

Result<Customer> decodeCustomerAt(const rapidjson::Value& value, const std::string& prefix) {
  if (!value.IsObject())
    return fieldError(prefix.empty() ? "customer" : prefix, "must be an object");
  const Reader r(value, prefix.empty() ? "" : prefix + ".");
  Customer c;
  RETURN_IF_ERROR(r.integer("id", c.id));
  RETURN_IF_ERROR(r.string("name", c.name));
  RETURN_IF_ERROR(r.string("phone", c.phone));
  RETURN_IF_ERROR(r.string("email", c.email));
  RETURN_IF_ERROR(r.boolean("deleted", c.deleted));
  RETURN_IF_ERROR(r.integer("version", c.version));
  RETURN_IF_ERROR(r.timestamp("created_on", c.created_on));
  RETURN_IF_ERROR(r.timestamp("updated_on", c.updated_on));
  RETURN_IF_ERROR(r.optionalString("created_by", c.created_by));
  RETURN_IF_ERROR(r.optionalString("updated_by", c.updated_by));
  return c;
}

Result<std::optional<Customer>> decodeOptionalCustomer(const Reader& r, const char* key) {
  const auto* v = r.find(key);
  if (v == nullptr) return fieldError(key, "is required (null when absent)");
  if (v->IsNull()) return std::optional<Customer>{};
  auto c = decodeCustomerAt(*v, key);
  if (!c) return c.error();
  return std::optional<Customer>{std::move(c).value()};
}

}  // namespace

void writeCustomer(Writer& w, const Customer& c) {
  w.StartObject();
  w.Key("id");
  w.Int64(c.id);
  writeString(w, "name", c.name);
  writeString(w, "phone", c.phone);
  writeString(w, "email", c.email);
  w.Key("deleted");
  w.Bool(c.deleted);
  w.Key("version");
  w.Int(c.version);
  writeTimestamp(w, "created_on", c.created_on);
  writeTimestamp(w, "updated_on", c.updated_on);
  writeString(w, "created_by", c.created_by);
  writeString(w, "updated_by", c.updated_by);
  w.EndObject();
}

std::string encodeCustomer(const Customer& customer) {
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
  writeCustomer(writer, customer);
  return {buffer.GetString(), buffer.GetSize()};
}

Result<Customer> decodeCustomer(const rapidjson::Value& value) {
  return decodeCustomerAt(value, "");
}

std::string encodeCrudEvent(const domain::CrudEvent& e) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  writeString(w, "id", e.id);
  w.Key("app_event_type");
  w.Int(static_cast<int>(e.type));
  w.Key("event_type");
  w.String(domain::eventTypeName(e.type));
  writeTimestamp(w, "event_ts", e.event_ts);
  w.Key("schema_version");
  w.Int(e.schema_version);
  w.Key("aggregate_id");
  w.Int64(e.aggregate_id);
  w.Key("version");
  w.Int(e.version);
  w.Key("outbox_id");
  w.Int64(e.outbox_id);
  w.Key("before_change");
  if (e.before_change)
    writeCustomer(w, *e.before_change);
  else
    w.Null();
  w.Key("after_change");
  if (e.after_change)
    writeCustomer(w, *e.after_change);
  else
    w.Null();
  w.EndObject();
  return {buffer.GetString(), buffer.GetSize()};
}

Result<domain::CrudEvent> decodeCrudEvent(const std::string& text) {
  rapidjson::Document doc;
  RETURN_IF_ERROR(parseStrict(text, doc, kEventLimits));
  if (!doc.IsObject()) return fieldError("event", "must be a JSON object");
  const Reader r(doc, "");
  domain::CrudEvent e;
  RETURN_IF_ERROR(r.integer("schema_version", e.schema_version));
  if (e.schema_version != domain::kCrudSchemaVersion) {
    return fieldError("schema_version", "is " + std::to_string(e.schema_version) +
                                            ", this build reads " +
                                            std::to_string(domain::kCrudSchemaVersion));
  }
  RETURN_IF_ERROR(r.string("id", e.id));
  int code = 0;
  RETURN_IF_ERROR(r.integer("app_event_type", code));
  auto type = domain::crudEventTypeFromCode(code);
  if (!type) return fieldError("app_event_type", "must be 100, 200 or 300");
  e.type = *type;
  RETURN_IF_ERROR(r.timestamp("event_ts", e.event_ts));
  RETURN_IF_ERROR(r.integer("aggregate_id", e.aggregate_id));
  RETURN_IF_ERROR(r.integer("version", e.version));
  RETURN_IF_ERROR(r.integer("outbox_id", e.outbox_id));
  auto before = decodeOptionalCustomer(r, "before_change");
  if (!before) return before.error();
  e.before_change = std::move(before).value();
  auto after = decodeOptionalCustomer(r, "after_change");
  if (!after) return after.error();
  e.after_change = std::move(after).value();
  if (!e.after_change) return fieldError("after_change", "is required for every event type");
  if (e.after_change->id != e.aggregate_id || e.after_change->version != e.version) {
    return fieldError("after_change", "does not match aggregate_id/version");
  }
  return e;
}

std::string encodeNotificationEvent(const domain::NotificationEvent& e) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  writeString(w, "id", e.id);
  writeTimestamp(w, "event_ts", e.event_ts);
  writeString(w, "source_event_id", e.source_event_id);
  writeString(w, "subject", e.subject);
  writeString(w, "textMsg", e.text_msg);
  writeString(w, "htmlMsg", e.html_msg);
  writeString(w, "notifyTo", e.notify_to);
  writeString(w, "notifyCC", e.notify_cc);
  writeString(w, "notifyBCC", e.notify_bcc);
  w.Key("retries");
  w.Int(e.retries);
  w.Key("retryLog");
  w.StartArray();
  for (const auto& line : e.retry_log)
    w.String(line.data(), static_cast<rapidjson::SizeType>(line.size()));
  w.EndArray();
  w.Key("not_before");
  if (e.not_before)
    w.String(domain::formatIso8601(*e.not_before).c_str());
  else
    w.Null();
  w.EndObject();
  return {buffer.GetString(), buffer.GetSize()};
}

Result<domain::NotificationEvent> decodeNotificationEvent(const std::string& text) {
  rapidjson::Document doc;
  RETURN_IF_ERROR(parseStrict(text, doc, kEventLimits));
  if (!doc.IsObject()) return fieldError("event", "must be a JSON object");
  const Reader r(doc, "");
  domain::NotificationEvent e;
  RETURN_IF_ERROR(r.string("id", e.id));
  RETURN_IF_ERROR(r.timestamp("event_ts", e.event_ts));
  RETURN_IF_ERROR(r.optionalString("source_event_id", e.source_event_id));
  RETURN_IF_ERROR(r.string("subject", e.subject));
  RETURN_IF_ERROR(r.optionalString("textMsg", e.text_msg));
  RETURN_IF_ERROR(r.optionalString("htmlMsg", e.html_msg));
  RETURN_IF_ERROR(r.addressList("notifyTo", e.notify_to));
  if (e.notify_to.empty()) return fieldError("notifyTo", "must name at least one recipient");
  RETURN_IF_ERROR(r.addressList("notifyCC", e.notify_cc));
  RETURN_IF_ERROR(r.addressList("notifyBCC", e.notify_bcc));
  if (r.find("retries") != nullptr) RETURN_IF_ERROR(r.integer("retries", e.retries));
  if (const auto* log = r.find("retryLog"); log != nullptr && !log->IsNull()) {
    if (!log->IsArray()) return fieldError("retryLog", "must be an array of strings");
    for (const auto& line : log->GetArray()) {
      if (!line.IsString()) return fieldError("retryLog", "must hold strings only");
      e.retry_log.emplace_back(line.GetString(), line.GetStringLength());
    }
  }
  if (const auto* nb = r.find("not_before"); nb != nullptr && !nb->IsNull()) {
    Timestamp ts;
    RETURN_IF_ERROR(r.timestamp("not_before", ts));
    e.not_before = ts;
  }
  return e;
}

}  // namespace core::json
