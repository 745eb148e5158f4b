-- The named Parquet format INFER_SCHEMA needs to read a batch's columns (schema evolution).
CREATE FILE FORMAT IF NOT EXISTS lms_parquet TYPE = PARQUET;
