#pragma once
// A customer change as the outbox rows that carry it: the CRUD event (built
// the same way by customer-api and by `replication-worker after-restore`) and
// the outbox row of any event about a customer. Pure: no I/O.

#include <optional>
#include <string>

#include "core/db/outbox_row.hpp"
#include "core/domain/customer.hpp"
#include "core/domain/events.hpp"

namespace core::db {

// The CRUD event of a change: a new event id, event_ts = after.updated_on,
// version = after.version. before is empty for a create; after is the row as
// committed. Its outbox_id stays 0: the INSERT fills it in (kInsertCrudRow).
core::domain::CrudEvent crudEvent(core::domain::CrudEventType type,
                                  const std::optional<core::domain::Customer>& before,
                                  const core::domain::Customer& after);

// The outbox row of one event about `after`, keyed by the customer's id.
OutboxRow customerEventRow(const core::domain::Customer& after, std::string topic,
                           std::string event_type, const std::string& event_id,
                           std::string payload);

// The outbox row of a CRUD event, on `topic`.
OutboxRow crudEventRow(const core::domain::CrudEvent& event, const core::domain::Customer& after,
                       const std::string& topic);

// One outbox row whose JSON payload learns its own outbox id, as the API's
// does: $1..$8 are OUTBOX_INSERT_COLUMNS bound from an OutboxRow (headers as
// encodeHeaders' text). Returns the id.
inline constexpr const char* kInsertCrudRow =
    "WITH ids AS (SELECT nextval('outbox_id_seq') AS crud_id) "
    "INSERT INTO outbox (id, " OUTBOX_INSERT_COLUMNS
    ") SELECT crud_id, $1::text, $2::text, $3::text, $4::bigint, $5::integer, $6::text, "
    "jsonb_set($7::jsonb, '{outbox_id}', to_jsonb(crud_id)), $8::jsonb FROM ids RETURNING id";

}  // namespace core::db
