-- pgbench ceiling for POST /api/customers: the same statements the API runs
-- in its transaction (src/api/customer_store.cpp), with event payloads of the
-- size the API writes.
\set n random(1, 1000000000)
BEGIN;
INSERT INTO customers (name, phone, email, created_on, updated_on, created_by, updated_by)
  VALUES ('Bench Customer ' || :n, '+1 555 0000000', 'bench' || :n || '@example.com', clock_timestamp(), clock_timestamp(), 'api', 'api')
  RETURNING id, name, phone, email, deleted, version, (extract(epoch FROM created_on) * 1000000)::bigint,
            (extract(epoch FROM updated_on) * 1000000)::bigint, created_by, updated_by;
WITH ids AS (SELECT nextval('outbox_id_seq') AS crud_id, nextval('outbox_id_seq') AS mail_id)
INSERT INTO outbox (id, topic, kafka_key, aggregate_type, aggregate_id, aggregate_version, event_type, payload, headers)
SELECT crud_id, 'MICROSERVICE-CUSTOMER-UPDATES', :n::text, 'customer', :n::bigint, 1, 'customer.created',
  jsonb_set('{"id":"3102b214-df3c-4feb-aad4-abc8147cc742","app_event_type":100,"event_type":"customer.created","event_ts":"2026-11-28T05:15:36.932116Z","schema_version":1,"aggregate_id":3,"version":1,"outbox_id":0,"before_change": null,"after_change":{"id":3,"name":"Bench Customer 123456789","phone":"+1 555 0000000","email":"bench123456789@example.com","deleted": false,"version":1,"created_on":"2026-11-28T05:15:36.932116Z","updated_on":"2026-11-28T05:15:36.932116Z","created_by":"api","updated_by":"api"}}'::jsonb, '{outbox_id}', to_jsonb(crud_id)),
  jsonb_build_object('event_id', '3102b214-df3c-4feb-aad4-abc8147cc742'::text, 'event_type', 'customer.created'::text) FROM ids
UNION ALL
SELECT mail_id, 'MICROSERVICE-CUSTOMER-EMAIL-NOTIFICATION', :n::text, 'customer', :n::bigint, 1, 'notification.email',
  '{"id":"14042e0c-447c-4e38-ac5b-6732fbfec20b","event_ts":"2026-11-28T05:15:36.932116Z","source_event_id":"3102b214-df3c-4feb-aad4-abc8147cc742","subject":"Your record has been created","textMsg":"Dear Bench Customer 123456789,\n\nYour record has been created.\n\nName: Bench Customer 123456789\nPhone: +1 555 0000000\nE-mail: bench123456789@example.com\n","htmlMsg":"<html><body><p>Dear Bench Customer 123456789,</p><p>Your record has been created.</p><table><tr><th>Name</th><td>Bench Customer 123456789</td></tr><tr><th>Phone</th><td>+1 555 0000000</td></tr><tr><th>E-mail</th><td>bench123456789@example.com</td></tr></table></body></html>","notifyTo":"bench123456789@example.com","notifyCC":"","notifyBCC":"","retries":0,"retryLog":[],"not_before": null}'::jsonb,
  jsonb_build_object('event_id', '14042e0c-447c-4e38-ac5b-6732fbfec20b'::text, 'event_type', 'notification.email') FROM ids;
COMMIT;
