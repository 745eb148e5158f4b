-- The named format gets the same options as COPY (SnowflakeWarehouse.FILE_FORMAT_OPTIONS): with logical
-- types on, INFER_SCHEMA and COPY read timestamp-millis as a timestamp, not as its epoch number.
CREATE OR REPLACE FILE FORMAT lms_parquet TYPE = PARQUET USE_LOGICAL_TYPE = TRUE BINARY_AS_TEXT = FALSE;
