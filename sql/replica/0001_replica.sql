-- The replica of customers, kept by replication-worker. Same columns as the
-- source; a deleted customer stays as a tombstone (deleted = true) so that a
-- late, older event cannot bring it back.
CREATE TABLE customers (
  id              bigint PRIMARY KEY,
  name            varchar(400) NOT NULL,
  phone           text NOT NULL,
  email           text NOT NULL,
  deleted         boolean NOT NULL DEFAULT false,
  version         integer NOT NULL CHECK (version >= 1),
  created_on      timestamptz NOT NULL,
  updated_on      timestamptz NOT NULL,
  created_by      text NOT NULL DEFAULT '',
  updated_by      text NOT NULL DEFAULT '',
  -- Where the current state came from.
  last_event_id   text NOT NULL,
  last_outbox_id  bigint,
  replicated_at   timestamptz NOT NULL DEFAULT now()
);

-- Offsets stored in the same transaction as the data they produced: on start
-- and on assignment the worker seeks here, so each event takes effect once.
CREATE TABLE consumer_offsets (
  consumer_group text NOT NULL,
  topic          text NOT NULL,
  partition      integer NOT NULL,
  next_offset    bigint NOT NULL,
  updated_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (consumer_group, topic, partition)
);
