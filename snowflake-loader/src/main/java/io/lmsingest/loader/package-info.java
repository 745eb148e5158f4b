/**
 * snowflake-loader: per manifest micro-batch, one warehouse transaction of COPY INTO the raw table,
 * MERGE into ANALYTICS_READY and the LOAD_LEDGER rows; Snowflake and DuckDB dialects. Contracts:
 * ../shared/DESIGN.md, guarantees 1, 2, 4, 5. Built under issue #5.
 */
package io.lmsingest.loader;
