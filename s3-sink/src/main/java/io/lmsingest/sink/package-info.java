/**
 * s3-sink: consumes lms.learner-activity.v1 into zstd Parquet Bronze objects on S3 with
 * deterministic keys and conditional creates, publishes manifests, and commits offsets only after
 * both are durable. Contracts: ../shared/DESIGN.md, guarantees 1-3. Built under issue #4.
 */
package io.lmsingest.sink;
