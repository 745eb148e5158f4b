package io.lmsingest.sink.upload;

import io.lmsingest.schemas.BronzeLayout;
import io.lmsingest.sink.bronze.WrittenFile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Uploads a finished Bronze file with a conditional create ({@code If-None-Match: *}): the first
 * writer of a key wins, and a retry after a crash finds the object and adopts it. Files above the
 * multipart threshold go up in parts, streamed from disk; a failed multipart upload is aborted. The
 * S3 client is passed in, never built here.
 */
public final class BronzeUploader {

  private final S3Client s3;
  private final String bucket;
  private final Encryption encryption;
  private final long multipartThreshold;
  private final int partSize;
  private final Supplier<String> topicId;

  /** An uploader that records no topic identity (tools and fixtures writing one-off Bronze). */
  public BronzeUploader(
      S3Client s3, String bucket, Encryption encryption, long multipartThreshold, int partSize) {
    this(s3, bucket, encryption, multipartThreshold, partSize, () -> "");
  }

  /**
   * {@code topicId}: the Kafka topic id of the input topic (asked for at the first upload, when the
   * topic surely exists), written on every object and compared on adoption.
   */
  public BronzeUploader(
      S3Client s3,
      String bucket,
      Encryption encryption,
      long multipartThreshold,
      int partSize,
      Supplier<String> topicId) {
    if (partSize < 5 * 1024 * 1024) {
      throw new IllegalArgumentException("S3 parts must be at least 5 MiB, got " + partSize);
    }
    this.s3 = s3;
    this.bucket = bucket;
    this.encryption = encryption;
    this.multipartThreshold = multipartThreshold;
    this.partSize = partSize;
    this.topicId = topicId;
  }

  /** The input topic's id (empty where it is not known, as in tests without Kafka). */
  public String topicId() {
    return topicId.get();
  }

  /** Makes {@code file} durable under its key, or adopts the object already there. */
  public Uploaded upload(WrittenFile file) throws IOException {
    Map<String, String> metadata =
        new HashMap<>(
            Map.of(
                BronzeLayout.META_START_OFFSET, Long.toString(file.startOffset()),
                BronzeLayout.META_END_OFFSET, Long.toString(file.endOffset()),
                BronzeLayout.META_ROWS, Long.toString(file.rows()),
                BronzeLayout.META_SHA256, file.sha256(),
                BronzeLayout.META_SCHEMA, file.schemaFingerprint()));
    String incarnation = topicId.get();
    if (!incarnation.isEmpty()) {
      metadata.put(BronzeLayout.META_TOPIC_ID, incarnation);
    }
    file.minUpdatedAt()
        .ifPresent(
            t -> metadata.put(BronzeLayout.META_MIN_UPDATED_AT, Long.toString(t.toEpochMilli())));
    file.maxUpdatedAt()
        .ifPresent(
            t -> metadata.put(BronzeLayout.META_MAX_UPDATED_AT, Long.toString(t.toEpochMilli())));
    try {
      if (file.sizeBytes() < multipartThreshold) {
        s3.putObject(
            b -> {
              b.bucket(bucket)
                  .key(file.key())
                  .ifNoneMatch("*")
                  .metadata(metadata)
                  .contentType("application/vnd.apache.parquet")
                  .serverSideEncryption(encryption.algorithm())
                  .ssekmsKeyId(encryption.kmsKeyIdOrNull());
            },
            RequestBody.fromFile(file.localFile()));
      } else {
        multipart(file, metadata);
      }
      return new Uploaded(file, false);
    } catch (S3Exception e) {
      if (e.statusCode() == 412) {
        return adopt(file, incarnation);
      }
      throw e;
    }
  }

  /**
   * Reads what the existing object at {@code local}'s key covers from its metadata. An object from
   * another incarnation of the topic (deleted and recreated, or the broker's storage wiped) holds
   * other records under the same offsets: adopting it would skip the new ones, so the sink stops.
   */
  private Uploaded adopt(WrittenFile local, String incarnation) {
    String key = local.key();
    HeadObjectResponse head = s3.headObject(b -> b.bucket(bucket).key(key));
    Map<String, String> meta = head.metadata();
    if (!meta.containsKey(BronzeLayout.META_END_OFFSET)
        || !meta.containsKey(BronzeLayout.META_ROWS)) {
      throw new IllegalStateException(
          "object " + key + " exists but has no lms-* metadata; it was not written by this sink");
    }
    String storedIncarnation = meta.getOrDefault(BronzeLayout.META_TOPIC_ID, "");
    if (!incarnation.isEmpty()
        && !storedIncarnation.isEmpty()
        && !storedIncarnation.equals(incarnation)) {
      throw new ForeignIncarnationException(key, storedIncarnation, incarnation);
    }
    WrittenFile stored =
        new WrittenFile(
            local.localFile(),
            key,
            local.partition(),
            local.startOffset(),
            Long.parseLong(meta.get(BronzeLayout.META_END_OFFSET)),
            Long.parseLong(meta.get(BronzeLayout.META_ROWS)),
            head.contentLength(),
            meta.getOrDefault(BronzeLayout.META_SHA256, ""),
            meta.getOrDefault(BronzeLayout.META_SCHEMA, ""),
            instant(meta.get(BronzeLayout.META_MIN_UPDATED_AT)),
            instant(meta.get(BronzeLayout.META_MAX_UPDATED_AT)));
    return new Uploaded(stored, true);
  }

  private static Optional<Instant> instant(String epochMillis) {
    return epochMillis == null
        ? Optional.empty()
        : Optional.of(Instant.ofEpochMilli(Long.parseLong(epochMillis)));
  }

  private void multipart(WrittenFile file, Map<String, String> metadata) throws IOException {
    String uploadId =
        s3.createMultipartUpload(
                b -> {
                  b.bucket(bucket)
                      .key(file.key())
                      .metadata(metadata)
                      .contentType("application/vnd.apache.parquet")
                      .serverSideEncryption(encryption.algorithm())
                      .ssekmsKeyId(encryption.kmsKeyIdOrNull());
                })
            .uploadId();
    try (InputStream in = Files.newInputStream(file.localFile())) {
      List<CompletedPart> parts = new ArrayList<>();
      byte[] buffer = new byte[partSize];
      for (int number = 1; ; number++) {
        int read = in.readNBytes(buffer, 0, partSize);
        if (read == 0) {
          break;
        }
        int partNumber = number;
        String etag =
            s3.uploadPart(
                    b -> b.bucket(bucket).key(file.key()).uploadId(uploadId).partNumber(partNumber),
                    RequestBody.fromBytes(read == partSize ? buffer : Arrays.copyOf(buffer, read)))
                .eTag();
        parts.add(CompletedPart.builder().partNumber(partNumber).eTag(etag).build());
      }
      s3.completeMultipartUpload(
          b ->
              b.bucket(bucket)
                  .key(file.key())
                  .uploadId(uploadId)
                  .ifNoneMatch("*")
                  .multipartUpload(m -> m.parts(parts)));
    } catch (IOException | RuntimeException e) {
      try {
        s3.abortMultipartUpload(b -> b.bucket(bucket).key(file.key()).uploadId(uploadId));
      } catch (RuntimeException abortFailure) {
        e.addSuppressed(abortFailure);
      }
      throw e;
    }
  }
}
