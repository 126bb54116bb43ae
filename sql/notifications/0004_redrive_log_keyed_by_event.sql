-- A FAILED message is re-driven at most once, and it is known by its position
-- AND its event id: a position alone names another message once the FAILED
-- topic was recreated or the pipeline moved to a new Kafka cluster (offsets
-- start again at 0), and that message's mail would never be re-driven (the
-- runbook's cluster-move and failed-e-mail drills found it).
ALTER TABLE notification_redrive DROP CONSTRAINT notification_redrive_pkey;
ALTER TABLE notification_redrive
  ADD PRIMARY KEY (failed_topic, failed_partition, failed_offset, event_id);
