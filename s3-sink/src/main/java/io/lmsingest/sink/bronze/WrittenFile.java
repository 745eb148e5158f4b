package io.lmsingest.sink.bronze;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * A finished Bronze file on local disk: what goes into object metadata and the manifest. The writer
 * returns it and knows nothing of Kafka commits.
 */
public record WrittenFile(
    Path localFile,
    String key,
    int partition,
    long startOffset,
    long endOffset,
    long rows,
    long sizeBytes,
    String sha256,
    String schemaFingerprint,
    Optional<Instant> minUpdatedAt,
    Optional<Instant> maxUpdatedAt) {}
