-- A row the broker refused holds back its customer's later rows from its
-- first refusal on, not only once it is parked: otherwise each retry of the
-- refused row also sends the customer's later rows, and consumers see them
-- before the row they follow. The relay's hold-back check reads this index;
-- it holds only refused, unresolved rows (usually none) and also serves the
-- parked-row queries, whose predicate implies its own.
CREATE INDEX outbox_held ON outbox (aggregate_type, aggregate_id, id)
  WHERE (parked_at IS NOT NULL OR attempts > 0) AND published_at IS NULL AND skipped_at IS NULL;
DROP INDEX IF EXISTS outbox_parked;
