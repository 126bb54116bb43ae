-- The insert trigger of 0005 notifies only while the relay asks for it.
--
-- A transaction that calls pg_notify takes PostgreSQL's cluster-wide
-- notify-queue lock at commit and holds it through its WAL flush, so every
-- inserting transaction commits one after another: with the whole pipeline
-- running, customer-api's POST p99 was 17–49 ms with the NOTIFY and 5–8 ms
-- without it (bench/RESULTS.md). A relay that finds rows on every poll has no
-- use for a wake-up, so the leader clears `wanted` while rows keep coming and
-- sets it once it has found nothing for a few polls (src/outbox/wakeup_switch).
--
-- Unlogged: it holds no data, only the leader's current wish. After a crash
-- the table is empty, which means "notify", the safe default; so does a
-- database where no relay ever ran. outbox.notify = 'off' still turns the
-- NOTIFY off altogether.
CREATE UNLOGGED TABLE outbox_relay_wakeup (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  wanted boolean NOT NULL
);

CREATE OR REPLACE FUNCTION outbox_notify_inserted() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF coalesce(current_setting('outbox.notify', true), 'on') <> 'off'
     AND NOT EXISTS (SELECT 1 FROM outbox_relay_wakeup WHERE NOT wanted) THEN
    PERFORM pg_notify('outbox_inserted', '');
  END IF;
  RETURN NULL;
END;
$$;
