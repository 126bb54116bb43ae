-- Case-insensitive substring search on name and e-mail (GET /api/customers?q=)
-- stays an index scan as the table grows.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX customers_name_trgm ON customers USING gin (name gin_trgm_ops) WHERE NOT deleted;
CREATE INDEX customers_email_trgm ON customers USING gin (email gin_trgm_ops) WHERE NOT deleted;

-- POST Idempotency-Key: the first response is kept for 24 h and returned for a
-- repeat of the same request. Written in the same transaction as the customer,
-- so a key exists if and only if its customer was created.
CREATE TABLE idempotency_keys (
  key              text PRIMARY KEY,
  request_hash     text NOT NULL,
  customer_id      bigint NOT NULL,
  customer_version integer NOT NULL,
  response_body    text NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX idempotency_keys_created_at ON idempotency_keys (created_at);
