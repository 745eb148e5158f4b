-- One row every batch transaction updates first: two loaders on the same warehouse take turns, and each
-- checks LOAD_LEDGER again after taking it (see BatchLoader). DuckDB fails the second writer of the row
-- with a conflict; the loader retries.
CREATE TABLE IF NOT EXISTS load_lock (name VARCHAR NOT NULL, holder VARCHAR, acquired_at TIMESTAMP);
MERGE INTO load_lock t USING (SELECT 'loader' AS name) s ON t.name = s.name
  WHEN NOT MATCHED THEN INSERT (name) VALUES (s.name);
