-- Base tables of the embedded warehouse. Columns a newer Avro schema adds are appended by the loader
-- (ALTER TABLE ... ADD COLUMN), never by hand.
CREATE TABLE IF NOT EXISTS raw_learner_activity (
  activity_id VARCHAR, learner_id VARCHAR, course_id VARCHAR, activity_type VARCHAR,
  activity_timestamp TIMESTAMP, updated_at TIMESTAMP, status VARCHAR, score DOUBLE, duration_seconds INTEGER,
  session_id VARCHAR, attributes MAP(VARCHAR, VARCHAR), is_deleted BOOLEAN,
  _kafka_partition INTEGER, _kafka_offset BIGINT, _kafka_timestamp TIMESTAMP,
  _file_key VARCHAR, _batch_id VARCHAR);

CREATE TABLE IF NOT EXISTS analytics_ready (
  activity_id VARCHAR NOT NULL, learner_id VARCHAR, course_id VARCHAR, activity_type VARCHAR,
  activity_timestamp TIMESTAMP, updated_at TIMESTAMP, status VARCHAR, score DOUBLE, duration_seconds INTEGER,
  session_id VARCHAR, attributes MAP(VARCHAR, VARCHAR), is_deleted BOOLEAN,
  _kafka_partition INTEGER, _kafka_offset BIGINT, _kafka_timestamp TIMESTAMP,
  ingested_at TIMESTAMP NOT NULL, batch_id VARCHAR NOT NULL);

CREATE TABLE IF NOT EXISTS load_ledger (
  file_key VARCHAR NOT NULL, batch_id VARCHAR NOT NULL, manifest_id VARCHAR NOT NULL, kafka_topic VARCHAR NOT NULL,
  kafka_partition INTEGER NOT NULL, start_offset BIGINT NOT NULL, end_offset BIGINT NOT NULL, row_count BIGINT NOT NULL,
  size_bytes BIGINT NOT NULL, checksum VARCHAR NOT NULL, status VARCHAR NOT NULL, loaded_at TIMESTAMP NOT NULL);

CREATE TABLE IF NOT EXISTS load_batches (
  batch_id VARCHAR NOT NULL, files INTEGER NOT NULL, rows_copied BIGINT NOT NULL, rows_inserted BIGINT NOT NULL,
  rows_updated BIGINT NOT NULL, rows_unchanged BIGINT NOT NULL, rows_quarantined BIGINT NOT NULL,
  max_updated_at TIMESTAMP, started_at TIMESTAMP NOT NULL, committed_at TIMESTAMP NOT NULL);

CREATE TABLE IF NOT EXISTS load_quarantine (
  batch_id VARCHAR NOT NULL, file_key VARCHAR NOT NULL, kafka_partition INTEGER, kafka_offset BIGINT,
  activity_id VARCHAR, reason VARCHAR NOT NULL, quarantined_at TIMESTAMP NOT NULL);
