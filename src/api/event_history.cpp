#include "api/event_history.hpp"

#include "core/json/codec.hpp"
#include "core/json/fields.hpp"

namespace api {

using core::domain::Customer;

namespace {

void writeDelivery(core::json::Writer& w, const Delivery& d) {
  core::json::writeOptionalTimestamp(w, "committed_at", d.committed_at);
  core::json::writeOptionalTimestamp(w, "published_at", d.published_at);
  w.Key("partition");
  d.partition ? w.Int(*d.partition) : w.Null();
  w.Key("offset");
  d.offset ? w.Int64(*d.offset) : w.Null();
  w.Key("delivery");
  w.String(deliveryState(d).c_str());
  w.Key("delivery_attempts");
  w.Int(d.attempts);
  core::json::writeTextOrNull(w, "delivery_error", d.last_error);
}

void writeCustomerOrNull(core::json::Writer& w, const char* key,
                         const std::optional<Customer>& customer) {
  w.Key(key);
  if (customer) {
    core::json::writeCustomer(w, *customer);
  } else {
    w.Null();
  }
}

void writeEmail(core::json::Writer& w, const EmailRecord& e, bool log_known) {
  w.StartObject();
  w.Key("outbox_id");
  w.Int64(e.outbox_id);
  core::json::writeTextOrNull(w, "event_id", e.event_id);
  writeDelivery(w, e.delivery);
  w.Key("state");
  w.String(emailState(e, log_known).c_str());
  w.Key("attempts");
  e.log_status ? w.Int(e.log_attempts) : w.Null();
  core::json::writeTextOrNull(w, "error", e.log_error);
  core::json::writeOptionalTimestamp(w, "handled_at", e.log_updated_at);
  w.EndObject();
}

}  // namespace

std::string deliveryState(const Delivery& d) {
  if (d.published_at) return "published";
  if (d.skipped) return "skipped";
  if (d.parked) return "parked";
  if (d.attempts > 0) return "retrying";
  return "pending";
}

std::string emailState(const EmailRecord& email, bool log_known) {
  if (email.log_status) return *email.log_status;
  if (!email.delivery.published_at) return deliveryState(email.delivery);
  return log_known ? "queued" : "unknown";
}

std::vector<std::string> changedFields(const std::optional<Customer>& before,
                                       const std::optional<Customer>& after) {
  std::vector<std::string> changed;
  if (!after) return changed;
  const bool created = !before;
  if (created || before->name != after->name) changed.emplace_back("name");
  if (created || before->phone != after->phone) changed.emplace_back("phone");
  if (created || before->email != after->email) changed.emplace_back("email");
  if (created ? after->deleted : before->deleted != after->deleted) changed.emplace_back("deleted");
  return changed;
}

std::string encodeHistory(std::int64_t customer_id, const std::vector<HistoryEvent>& events,
                          bool log_known) {
  rapidjson::StringBuffer buffer;
  core::json::Writer w(buffer);
  w.StartObject();
  w.Key("customer_id");
  w.Int64(customer_id);
  w.Key("emails_known");
  w.Bool(log_known);
  w.Key("events");
  w.StartArray();
  for (const auto& e : events) {
    w.StartObject();
    w.Key("outbox_id");
    w.Int64(e.outbox_id);
    core::json::writeTextOrNull(w, "event_id", e.event_id);
    core::json::writeTextOrNull(w, "event_type", e.event_type);
    w.Key("version");
    w.Int(e.version);
    writeDelivery(w, e.delivery);
    writeCustomerOrNull(w, "before", e.before);
    writeCustomerOrNull(w, "after", e.after);
    w.Key("changed");
    w.StartArray();
    for (const auto& field : changedFields(e.before, e.after)) w.String(field.c_str());
    w.EndArray();
    core::json::writeTextOrNull(w, "payload_error", e.payload_error);
    w.Key("emails");
    w.StartArray();
    for (const auto& email : e.emails) writeEmail(w, email, log_known);
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return {buffer.GetString(), buffer.GetSize()};
}

}  // namespace api
