-- One row every batch transaction updates first. Snowflake's UPDATE holds a lock on the table until the
-- transaction ends, so two loaders take turns, and each checks LOAD_LEDGER again after taking it
-- (Snowflake enforces no unique key: the ledger check under this lock is what keeps a file loaded once).
CREATE TABLE IF NOT EXISTS load_lock (name VARCHAR NOT NULL, holder VARCHAR, acquired_at TIMESTAMP_NTZ);
MERGE INTO load_lock t USING (SELECT 'loader' AS name) s ON t.name = s.name
  WHEN NOT MATCHED THEN INSERT (name) VALUES (s.name);
