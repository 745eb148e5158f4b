-- Files of a batch that kept failing by itself (a file the warehouse cannot read, rows that do not match
-- the manifest), set aside so the batches behind it load. Not in LOAD_LEDGER: a reconcile or replay loads
-- them once the cause is fixed. Still waiting: these file_keys minus LOAD_LEDGER's.
CREATE TABLE IF NOT EXISTS load_quarantined_files (
  file_key VARCHAR NOT NULL, manifest_id VARCHAR NOT NULL, batch_id VARCHAR NOT NULL, kafka_topic VARCHAR NOT NULL,
  kafka_partition INTEGER NOT NULL, start_offset BIGINT NOT NULL, end_offset BIGINT NOT NULL, row_count BIGINT NOT NULL,
  attempts INTEGER NOT NULL, reason VARCHAR NOT NULL, quarantined_at TIMESTAMP_NTZ NOT NULL);
