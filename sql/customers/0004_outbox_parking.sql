-- Rows the broker refused for good are parked; later rows of the same
-- customer wait behind a parked row until an operator retries or skips it.
-- This index holds only parked, unresolved rows: usually none.
CREATE INDEX outbox_parked ON outbox (aggregate_type, aggregate_id, id)
  WHERE parked_at IS NOT NULL AND published_at IS NULL AND skipped_at IS NULL;
