-- outbox-relay --source wal reads new outbox rows from a logical replication
-- slot (pgoutput) through this publication (src/outbox/README.md, "WAL
-- source"). Inserts only: the relay's own marks and retention's deletes are
-- not events. Creating it needs no wal_level=logical (streaming does) and no
-- superuser: the owner of the table may (outbox_owner). The slot is the
-- relay's: it creates it on its first start; its role needs the REPLICATION
-- attribute, which `pipeline-admin create-roles` gives outbox_relay.
CREATE PUBLICATION outbox_inserts FOR TABLE outbox WITH (publish = 'insert');
