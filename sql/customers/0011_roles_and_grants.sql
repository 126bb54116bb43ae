-- Least privilege (sql/README.md, "Roles and grants"): each process connects
-- with its own role and may do only what its SQL needs. Grants are explicit,
-- table by table: a later migration that adds a table grants on it too.
-- The roles are cluster-wide and normally exist already: `pipeline-admin
-- create-roles` (run by a superuser once per cluster) creates them with LOGIN
-- and their passwords. A migrator allowed to create roles (a test's superuser
-- on a fresh cluster) creates the missing ones here, without LOGIN.
DO $$
DECLARE
  role_name text;
BEGIN
  FOREACH role_name IN ARRAY ARRAY['outbox_owner', 'customer_api', 'outbox_relay',
                                   'replication_worker', 'notification_worker'] LOOP
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = role_name) THEN
      BEGIN
        EXECUTE format('CREATE ROLE %I NOLOGIN', role_name);
      EXCEPTION
        WHEN duplicate_object OR unique_violation THEN NULL;  -- a concurrent migration made it
        WHEN insufficient_privilege THEN
          RAISE EXCEPTION 'role % is missing and % may not create it', role_name, current_user
            USING HINT = 'run pipeline-admin create-roles as a superuser first (sql/README.md)';
      END;
    END IF;
  END LOOP;
END $$;

-- Only the pipeline's roles reach this database, and nobody but its owner
-- creates anything in it (PostgreSQL 15 already keeps CREATE on public from
-- PUBLIC; this also takes CONNECT and TEMPORARY away from PUBLIC).
DO $$
BEGIN
  EXECUTE format('REVOKE ALL ON DATABASE %I FROM PUBLIC', current_database());
  EXECUTE format('GRANT CONNECT ON DATABASE %I TO outbox_owner, customer_api, outbox_relay',
                 current_database());
END $$;
REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO customer_api, outbox_relay;

-- customer-api: customers and idempotency keys, and it appends to the outbox
-- (never changes or deletes a row there). It reads the outbox for the history
-- and status pages, and the insert trigger reads the relay's wake-up wish.
GRANT SELECT, INSERT ON customers TO customer_api;
GRANT UPDATE (name, phone, email, deleted, version, updated_on, updated_by) ON customers
  TO customer_api;
GRANT SELECT, INSERT, DELETE ON idempotency_keys TO customer_api;
GRANT UPDATE (request_hash, customer_id, customer_version, response_body, created_at)
  ON idempotency_keys TO customer_api;
GRANT SELECT, INSERT ON outbox TO customer_api;
GRANT USAGE ON SEQUENCE customers_id_seq, outbox_id_seq TO customer_api;
GRANT SELECT ON outbox_relay_wakeup TO customer_api;

-- outbox-relay: reads the outbox and marks its delivery columns (published,
-- refused, parked, retried, skipped), never an event's content; deletes old
-- published rows (retention); keeps its wake-up wish. Advisory locks and
-- LISTEN need no grant.
GRANT SELECT, DELETE ON outbox TO outbox_relay;
GRANT UPDATE (published_at, kafka_partition, kafka_offset, attempts, last_error, parked_at,
              skipped_at, skipped_by, skip_reason) ON outbox TO outbox_relay;
GRANT SELECT, INSERT, UPDATE ON outbox_relay_wakeup TO outbox_relay;
