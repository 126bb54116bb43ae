-- Least privilege (sql/README.md, "Roles and grants"): only replication-worker
-- reads or writes the replica. Grants are explicit, table by table: a later
-- migration that adds a table grants on it too.
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
  EXECUTE format('GRANT CONNECT ON DATABASE %I TO outbox_owner, replication_worker',
                 current_database());
END $$;
REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO replication_worker;

-- Applies events (insert or rewrite by id), repairs (also deletes rows the
-- source lacks) and stores its offsets with the data.
GRANT SELECT, INSERT, UPDATE, DELETE ON customers TO replication_worker;
GRANT SELECT, INSERT, UPDATE ON consumer_offsets TO replication_worker;
