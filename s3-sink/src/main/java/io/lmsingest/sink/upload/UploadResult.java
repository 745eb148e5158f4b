package io.lmsingest.sink.upload;

import java.time.Instant;
import java.util.Optional;

/**
 * The object for a Bronze key is durable. {@code adopted} means it was already there (written before
 * a crash); its facts (end offset, rows, size, checksum, schema, updated_at range) are read from the
 * object, not from the local file, so the caller seeks past it and describes exactly what is stored.
 */
public record UploadResult(
    String key, boolean adopted, long endOffset, long rows, long sizeBytes, String sha256, String schemaFingerprint,
    Optional<Instant> minUpdatedAt, Optional<Instant> maxUpdatedAt) {}
