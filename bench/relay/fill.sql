-- A backlog of outbox rows shaped like the API's: per customer change one CRUD
-- event and one notification event, with payloads of the same size and
-- structure (see src/api/change_events.cpp). psql variables: rows,
-- customers, crud_topic, mail_topic, and optionally per_tx: with it, the
-- changes are committed per_tx rows at a time (2: one change per transaction,
-- as the API commits them), else all in one statement. Committing in small
-- transactions needs psql's autocommit (no -1).
SELECT set_config('bench.customers', :'customers', false),
       set_config('bench.crud_topic', :'crud_topic', false),
       set_config('bench.mail_topic', :'mail_topic', false);

-- Inserts changes first..last (two rows each), in change order.
CREATE FUNCTION pg_temp.bench_insert_changes(first bigint, last bigint) RETURNS void
LANGUAGE plpgsql AS $fill$
DECLARE
  customers int := current_setting('bench.customers')::int;
BEGIN
  INSERT INTO outbox (topic, kafka_key, aggregate_type, aggregate_id, aggregate_version, event_type, payload, headers)
  SELECT t.topic, c.customer_id::text, 'customer', c.customer_id, c.version, t.event_type,
         CASE WHEN t.kind = 0 THEN jsonb_build_object(
           'id', gen_random_uuid()::text, 'app_event_type', CASE WHEN c.version = 1 THEN 100 ELSE 200 END,
           'event_type', t.event_type, 'event_ts', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
           'schema_version', 1, 'aggregate_id', c.customer_id, 'version', c.version, 'outbox_id', 0,
           'before_change', NULL,
           'after_change', jsonb_build_object(
             'id', c.customer_id, 'name', 'Bench Customer ' || c.customer_id, 'phone', '+1 555 0000000',
             'email', 'bench' || c.customer_id || '@example.com', 'deleted', false, 'version', c.version,
             'created_on', '2026-11-28T05:15:36.932116Z', 'updated_on', '2026-11-28T05:15:36.932116Z',
             'created_by', 'api', 'updated_by', 'api'))
         ELSE jsonb_build_object(
           'id', gen_random_uuid()::text, 'event_ts', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
           'source_event_id', gen_random_uuid()::text, 'subject', 'Your information has been updated',
           'textMsg', 'Dear Bench Customer ' || c.customer_id || E',\n\nYour information has been updated.\n\nName: Bench Customer '
                      || c.customer_id || E'\nPhone: +1 555 0000000\nE-mail: bench' || c.customer_id || E'@example.com\n',
           'htmlMsg', '<html><body><p>Dear Bench Customer ' || c.customer_id || '</p><p>Your information has been updated.</p>'
                      || '<table><tr><th>Name</th><td>Bench Customer ' || c.customer_id || '</td></tr><tr><th>Phone</th>'
                      || '<td>+1 555 0000000</td></tr><tr><th>E-mail</th><td>bench' || c.customer_id
                      || '@example.com</td></tr></table></body></html>',
           'notifyTo', 'bench' || c.customer_id || '@example.com', 'notifyCC', '', 'notifyBCC', '',
           'retries', 0, 'retryLog', '[]'::jsonb, 'not_before', NULL)
         END,
         jsonb_build_object('event_type', t.event_type)
    FROM (SELECT g AS n, (g % customers) + 1 AS customer_id, (g / customers) + 1 AS version
            FROM generate_series(first, last) AS g) AS c
    CROSS JOIN (VALUES (0, current_setting('bench.crud_topic'), 'customer.updated'),
                       (1, current_setting('bench.mail_topic'), 'notification.email'))
         AS t(kind, topic, event_type)
   ORDER BY c.n, t.kind;
END
$fill$;

\if :{?per_tx}
SELECT set_config('bench.rows', :'rows', false), set_config('bench.per_tx', :'per_tx', false);
-- Asynchronous commit only makes the fill faster: each transaction's WAL is
-- the same (the relay reads the WAL, not the commits' durability).
SET synchronous_commit = off;
DO $loop$
DECLARE
  changes bigint := current_setting('bench.rows')::bigint / 2;
  per_tx bigint := greatest(current_setting('bench.per_tx')::bigint / 2, 1);
  first bigint := 0;
BEGIN
  WHILE first < changes LOOP
    PERFORM pg_temp.bench_insert_changes(first, least(first + per_tx, changes) - 1);
    -- The last commit is synchronous: it flushes the WAL of every
    -- asynchronous one before it (the walsender streams only flushed WAL),
    -- and pg_current_wal_insert_lsn() after it is its end.
    IF first + per_tx >= changes THEN
      PERFORM set_config('synchronous_commit', 'on', true);
    END IF;
    COMMIT;
    first := first + per_tx;
  END LOOP;
END
$loop$;
RESET synchronous_commit;
\else
SELECT pg_temp.bench_insert_changes(0, :rows / 2 - 1);
\endif
