-- The transactional outbox: written in the same transaction as the customer
-- change, published by outbox-relay. A row is published once published_at is
-- set (the broker acknowledged it); until then the relay keeps trying.
CREATE TABLE outbox (
  id                bigserial PRIMARY KEY,
  topic             text NOT NULL,
  kafka_key         text NOT NULL,
  aggregate_type    text NOT NULL,
  aggregate_id      bigint NOT NULL,
  aggregate_version integer NOT NULL,
  event_type        text NOT NULL,
  payload           jsonb NOT NULL,
  headers           jsonb NOT NULL DEFAULT '{}'::jsonb,
  -- clock_timestamp, not now(): commit-to-broker latency is measured from it.
  created_at        timestamptz NOT NULL DEFAULT clock_timestamp(),
  published_at      timestamptz,
  kafka_partition   integer,
  kafka_offset      bigint,
  -- What the relay needs for rows the broker refuses.
  attempts          integer NOT NULL DEFAULT 0,
  last_error        text,
  parked_at         timestamptz,
  skipped_at        timestamptz,
  skipped_by        text,
  skip_reason       text
);

-- Polling reads only unpublished rows: this index stays small whatever the
-- size of the table.
CREATE INDEX outbox_unpublished ON outbox (id) WHERE published_at IS NULL;
-- Retention deletes old published rows in small batches.
CREATE INDEX outbox_published_at ON outbox (published_at) WHERE published_at IS NOT NULL;
-- Per-customer history (parking, replay, audits).
CREATE INDEX outbox_aggregate ON outbox (aggregate_type, aggregate_id, id);
