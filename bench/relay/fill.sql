-- A backlog of outbox rows shaped like the API's: per customer change one CRUD
-- event and one notification event, with payloads of the same size and
-- structure (see src/api/change_events.cpp). psql variables: rows,
-- customers, crud_topic, mail_topic. Runs in chunks to keep memory flat.
SELECT set_config('bench.customers', :'customers', false);
CREATE TEMP TABLE changes AS
SELECT g AS n, (g % current_setting('bench.customers')::int) + 1 AS customer_id,
       (g / current_setting('bench.customers')::int) + 1 AS version
  FROM generate_series(0, :rows / 2 - 1) AS g;

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
  FROM changes c
  CROSS JOIN (VALUES (0, :'crud_topic', 'customer.updated'), (1, :'mail_topic', 'notification.email'))
       AS t(kind, topic, event_type)
 ORDER BY c.n, t.kind;
ANALYZE outbox;
