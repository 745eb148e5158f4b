-- Base tables in Snowflake. RAW is TRANSIENT (no Fail-safe: it is re-derivable from Bronze).
-- Columns a newer Avro schema adds are appended by the loader, never by hand.
CREATE TRANSIENT TABLE IF NOT EXISTS raw_learner_activity (
  activity_id VARCHAR, learner_id VARCHAR, course_id VARCHAR, activity_type VARCHAR,
  activity_timestamp TIMESTAMP_NTZ, updated_at TIMESTAMP_NTZ, status VARCHAR, score DOUBLE, duration_seconds INTEGER,
  session_id VARCHAR, attributes VARIANT, is_deleted BOOLEAN,
  _kafka_partition INTEGER, _kafka_offset BIGINT, _kafka_timestamp TIMESTAMP_NTZ,
  _file_key VARCHAR, _batch_id VARCHAR);

CREATE TABLE IF NOT EXISTS analytics_ready (
  activity_id VARCHAR NOT NULL, learner_id VARCHAR, course_id VARCHAR, activity_type VARCHAR,
  activity_timestamp TIMESTAMP_NTZ, updated_at TIMESTAMP_NTZ, status VARCHAR, score DOUBLE, duration_seconds INTEGER,
  session_id VARCHAR, attributes VARIANT, is_deleted BOOLEAN,
  _kafka_partition INTEGER, _kafka_offset BIGINT, _kafka_timestamp TIMESTAMP_NTZ,
  ingested_at TIMESTAMP_NTZ NOT NULL, batch_id VARCHAR NOT NULL,
  PRIMARY KEY (activity_id));

CREATE TABLE IF NOT EXISTS load_ledger (
  file_key VARCHAR NOT NULL, batch_id VARCHAR NOT NULL, manifest_id VARCHAR NOT NULL, kafka_topic VARCHAR NOT NULL,
  kafka_partition INTEGER NOT NULL, start_offset BIGINT NOT NULL, end_offset BIGINT NOT NULL, row_count BIGINT NOT NULL,
  size_bytes BIGINT NOT NULL, checksum VARCHAR NOT NULL, status VARCHAR NOT NULL, loaded_at TIMESTAMP_NTZ NOT NULL);

CREATE TABLE IF NOT EXISTS load_batches (
  batch_id VARCHAR NOT NULL, files INTEGER NOT NULL, rows_copied BIGINT NOT NULL, rows_inserted BIGINT NOT NULL,
  rows_updated BIGINT NOT NULL, rows_unchanged BIGINT NOT NULL, rows_quarantined BIGINT NOT NULL,
  max_updated_at TIMESTAMP_NTZ, started_at TIMESTAMP_NTZ NOT NULL, committed_at TIMESTAMP_NTZ NOT NULL);

CREATE TABLE IF NOT EXISTS load_quarantine (
  batch_id VARCHAR NOT NULL, file_key VARCHAR NOT NULL, kafka_partition INTEGER, kafka_offset BIGINT,
  activity_id VARCHAR, reason VARCHAR NOT NULL, quarantined_at TIMESTAMP_NTZ NOT NULL);
