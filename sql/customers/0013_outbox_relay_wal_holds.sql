-- outbox-relay --source wal confirms the replication slot past rows it did
-- not publish from the stream, because they must wait (src/outbox/README.md,
-- "WAL source"): rows of a customer behind a parked or refused row, and rows
-- committed before the slot existed. Those rows stay unpublished in the
-- outbox, and the relay publishes them by query; these two tables remember,
-- across restarts, that it has to.

-- Customers whose unpublished rows the stream left to the relay's query. A
-- customer leaves the table once none of its rows is unpublished (skipped
-- rows aside). Written only when a row is parked or refused: usually empty.
CREATE TABLE outbox_relay_held (
  aggregate_type text NOT NULL,
  aggregate_id bigint NOT NULL,
  held_since timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (aggregate_type, aggregate_id)
);

-- Slots that were created while rows may have been waiting: written before
-- the relay creates the slot, deleted once its polling drain of every
-- unpublished row is done. A slot with a row here streams nothing until then.
CREATE TABLE outbox_relay_slot_drains (
  slot_name text PRIMARY KEY,
  requested_at timestamptz NOT NULL DEFAULT now()
);

GRANT SELECT, INSERT, DELETE ON outbox_relay_held, outbox_relay_slot_drains TO outbox_relay;
