-- Marking a row published is a non-HOT update (published_at is in the
-- outbox_unpublished predicate), so every index on outbox gets a new entry for
-- every published row. Two indexes paid that price for rare readers:
--   outbox_published_at  retention now walks the primary key in id windows;
--   outbox_aggregate     per-customer lookups either hit outbox_parked (the
--                        relay's hold-back check) or scan only unpublished
--                        rows through outbox_unpublished (parked list).
-- Dropping them makes the relay's mark ~30% cheaper and the API's insert one
-- index lighter.
DROP INDEX IF EXISTS outbox_published_at;
DROP INDEX IF EXISTS outbox_aggregate;
