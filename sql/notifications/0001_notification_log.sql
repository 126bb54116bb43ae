-- The notification worker's memory of what it sent, keyed by event id: an
-- event found here as 'sent' is never sent again.
CREATE TABLE notification_log (
  event_id        text PRIMARY KEY,
  source_event_id text,
  recipients      text NOT NULL,
  subject         text NOT NULL,
  status          text NOT NULL CHECK (status IN ('sent', 'failed')),
  attempts        integer NOT NULL DEFAULT 1,
  last_error      text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now()
);
