-- Optional wake-up for outbox-relay --listen-notify: one NOTIFY per inserting
-- statement (not per row) on channel outbox_inserted. PostgreSQL delivers it
-- at commit and folds identical notifications of one transaction into one, so
-- a customer-api write costs one notification. The relay treats it only as a
-- hint; polling remains the safety net.
--
-- Cost: a committing transaction that notified takes PostgreSQL's global
-- notify-queue lock briefly. Where that matters more than latency, turn it off
-- without a migration: ALTER DATABASE customers SET outbox.notify = 'off';
CREATE FUNCTION outbox_notify_inserted() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF coalesce(current_setting('outbox.notify', true), 'on') <> 'off' THEN
    PERFORM pg_notify('outbox_inserted', '');
  END IF;
  RETURN NULL;
END;
$$;

CREATE TRIGGER outbox_notify_inserted
  AFTER INSERT ON outbox
  FOR EACH STATEMENT
  EXECUTE FUNCTION outbox_notify_inserted();
