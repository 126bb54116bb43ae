#include "core/db/crud_event_row.hpp"

#include "core/json/codec.hpp"

namespace core::db {

core::domain::CrudEvent crudEvent(core::domain::CrudEventType type,
                                  const std::optional<core::domain::Customer>& before,
                                  const core::domain::Customer& after) {
  core::domain::CrudEvent crud;
  crud.id = core::domain::newUuid();
  crud.type = type;
  crud.event_ts = after.updated_on;
  crud.aggregate_id = after.id;
  crud.version = after.version;
  crud.before_change = before;
  crud.after_change = after;
  return crud;
}

OutboxRow customerEventRow(const core::domain::Customer& after, std::string topic,
                           std::string event_type, const std::string& event_id,
                           std::string payload) {
  OutboxRow row;
  row.topic = std::move(topic);
  row.key = std::to_string(after.id);
  row.aggregate_type = "customer";
  row.aggregate_id = after.id;
  row.aggregate_version = after.version;
  row.headers = eventHeaders(event_id, event_type);
  row.event_type = std::move(event_type);
  row.payload = std::move(payload);
  return row;
}

OutboxRow crudEventRow(const core::domain::CrudEvent& event, const core::domain::Customer& after,
                       const std::string& topic) {
  return customerEventRow(after, topic, core::domain::eventTypeName(event.type), event.id,
                          core::json::encodeCrudEvent(event));
}

}  // namespace core::db
