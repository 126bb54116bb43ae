-- What `notification-worker redrive` moved from the FAILED topic back to the
-- notification topic, keyed by the FAILED message's position: a FAILED
-- message found here is never re-driven a second time.
CREATE TABLE notification_redrive (
  failed_topic     text        NOT NULL,
  failed_partition integer     NOT NULL,
  failed_offset    bigint      NOT NULL,
  event_id         text        NOT NULL,
  target_topic     text        NOT NULL,
  redriven_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (failed_topic, failed_partition, failed_offset)
);

CREATE INDEX notification_redrive_event_id ON notification_redrive (event_id);
