package io.lmsingest.sink.manifest;

import io.lmsingest.schemas.BronzeFile;
import io.lmsingest.schemas.BronzeManifest;
import io.lmsingest.schemas.ManifestJson;
import io.lmsingest.sink.bronze.WrittenFile;
import io.lmsingest.sink.upload.Encryption;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Builds the manifest of a batch of durable Bronze files and writes it as JSON to {@code
 * manifests/learner_activity/<batch_id>.json} with a conditional create. The batch id is a pure
 * function of the topic and the files' partitions and offset ranges, so a batch redone after a
 * crash gets the same id and finds its manifest already there.
 */
public final class ManifestPublisher {
  private final S3Client s3;
  private final String bucket;
  private final String prefix;
  private final Encryption encryption;

  public ManifestPublisher(S3Client s3, String bucket, String prefix, Encryption encryption) {
    this.s3 = s3;
    this.bucket = bucket;
    this.prefix = prefix;
    this.encryption = encryption;
  }

  /** The deterministic id of a batch: the same files (in any order) always give the same id. */
  public static String batchId(String topic, List<WrittenFile> files) {
    StringBuilder identity = new StringBuilder(topic);
    files.stream()
        .sorted(
            Comparator.comparingInt(WrittenFile::partition)
                .thenComparingLong(WrittenFile::startOffset))
        .forEach(
            f ->
                identity
                    .append('|')
                    .append(f.partition())
                    .append(':')
                    .append(f.startOffset())
                    .append('-')
                    .append(f.endOffset()));
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(identity.toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  public static BronzeManifest manifest(String topic, List<WrittenFile> files, Instant createdAt) {
    return manifest(topic, null, files, createdAt);
  }

  /** As above, recording the input topic's id (which incarnation of it the files came from). */
  public static BronzeManifest manifest(
      String topic, String topicId, List<WrittenFile> files, Instant createdAt) {
    if (files.isEmpty()) {
      throw new IllegalArgumentException("a manifest needs at least one file");
    }
    return BronzeManifest.newBuilder()
        .setBatchId(batchId(topic, files))
        .setTopic(topic)
        .setTopicId(topicId)
        .setCreatedAt(createdAt)
        .setFiles(
            files.stream()
                .sorted(
                    Comparator.comparingInt(WrittenFile::partition)
                        .thenComparingLong(WrittenFile::startOffset))
                .map(
                    f ->
                        BronzeFile.newBuilder()
                            .setKey(f.key())
                            .setSizeBytes(f.sizeBytes())
                            .setChecksum(f.sha256())
                            .setRowCount(f.rows())
                            .setPartition(f.partition())
                            .setStartOffset(f.startOffset())
                            .setEndOffset(f.endOffset())
                            .setSchemaFingerprint(f.schemaFingerprint())
                            .setMinUpdatedAt(f.minUpdatedAt().orElse(null))
                            .setMaxUpdatedAt(f.maxUpdatedAt().orElse(null))
                            .build())
                .toList())
        .build();
  }

  public String keyOf(BronzeManifest manifest) {
    return prefix + "/" + manifest.getBatchId() + ".json";
  }

  /** Writes the manifest unless it is already there. Returns true if this call created it. */
  public boolean write(BronzeManifest manifest) {
    try {
      s3.putObject(
          b ->
              b.bucket(bucket)
                  .key(keyOf(manifest))
                  .ifNoneMatch("*")
                  .contentType("application/json")
                  .serverSideEncryption(encryption.algorithm())
                  .ssekmsKeyId(encryption.kmsKeyIdOrNull()),
          RequestBody.fromString(toJson(manifest), StandardCharsets.UTF_8));
      return true;
    } catch (S3Exception e) {
      if (e.statusCode() == 412) {
        // The same batch, made durable before a crash. Confirmed, not assumed: a 412 is only
        // trusted
        // when the object is really there (a failed HEAD throws, and the sink re-reads from its
        // commit).
        s3.headObject(b -> b.bucket(bucket).key(keyOf(manifest)));
        return false;
      }
      throw e;
    }
  }

  /** The manifest's JSON form (see {@link ManifestJson}). */
  public static String toJson(BronzeManifest manifest) {
    return ManifestJson.write(manifest);
  }
}
