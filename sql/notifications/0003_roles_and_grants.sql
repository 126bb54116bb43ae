-- Least privilege (sql/README.md, "Roles and grants"): notification-worker
-- owns the log of what it sent; customer-api only reads that log (a
-- customer's history shows each e-mail's fate). Grants are explicit, table by
-- table: a later migration that adds a table grants on it too.
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

DO $$
BEGIN
  EXECUTE format('REVOKE ALL ON DATABASE %I FROM PUBLIC', current_database());
  EXECUTE format('GRANT CONNECT ON DATABASE %I TO outbox_owner, notification_worker, customer_api',
                 current_database());
END $$;
REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO notification_worker, customer_api;

GRANT SELECT, INSERT, UPDATE ON notification_log TO notification_worker;
GRANT SELECT, INSERT ON notification_redrive TO notification_worker;
GRANT SELECT ON notification_log TO customer_api;
