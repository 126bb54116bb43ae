-- outbox-relay replay --from-time/--to-time selects rows by created_at. The
-- outbox is append-only in created_at order, so a BRIN index finds a time
-- range for a few pages of index and costs next to nothing on insert (a btree
-- on created_at would be one more index to update on the write path).
CREATE INDEX outbox_created_at_brin ON outbox USING brin (created_at);
