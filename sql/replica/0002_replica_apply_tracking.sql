-- What replication-worker needs beyond 0001: where each row's current state
-- came from in Kafka, and how many events have changed it (each applied event
-- adds one, so an event applied twice would show).
ALTER TABLE customers
  ADD COLUMN last_partition integer,
  ADD COLUMN last_offset    bigint,
  ADD COLUMN apply_count    integer NOT NULL DEFAULT 1;

COMMENT ON COLUMN customers.apply_count IS
  'events applied to this row (stale and superseded events are not counted)';
