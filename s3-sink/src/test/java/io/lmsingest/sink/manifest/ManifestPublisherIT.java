package io.lmsingest.sink.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lmsingest.schemas.BronzeLayout;
import io.lmsingest.schemas.BronzeManifest;
import io.lmsingest.sink.bronze.WrittenFile;
import io.lmsingest.sink.upload.Encryption;
import io.lmsingest.testkit.IntegrationTest;
import io.lmsingest.testkit.S3Fixture;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

@IntegrationTest
class ManifestPublisherIT {
  static WrittenFile file(int partition, long start, long end) {
    return new WrittenFile(
        Path.of("/unused"),
        "bronze/learner_activity/dt=2026-11-20/t+" + partition + "+" + start + ".parquet",
        partition,
        start,
        end,
        end - start + 1,
        1234,
        "ab".repeat(32),
        "f00d",
        Optional.of(Instant.parse("2026-11-20T00:00:00Z")),
        Optional.of(Instant.parse("2026-11-20T01:00:00Z")));
  }

  @Test
  void batchIdsAreDeterministicAndOrderIndependent() {
    List<WrittenFile> files = List.of(file(0, 0, 99), file(3, 500, 599));
    assertThat(ManifestPublisher.batchId("t", files))
        .isEqualTo(ManifestPublisher.batchId("t", List.of(files.get(1), files.get(0))))
        .hasSize(32)
        .isNotEqualTo(ManifestPublisher.batchId("t", List.of(file(0, 0, 98), file(3, 500, 599))))
        .isNotEqualTo(ManifestPublisher.batchId("other", files));
  }

  @Test
  void theManifestIsWrittenOnceAndItsJsonMatchesItsFiles(S3Fixture s3) throws Exception {
    String bucket = s3.newBucket();
    ManifestPublisher publisher =
        new ManifestPublisher(
            s3.client(), bucket, BronzeLayout.MANIFEST_PREFIX, Encryption.sseS3());
    BronzeManifest manifest =
        ManifestPublisher.manifest(
            "t", List.of(file(3, 500, 599), file(0, 0, 99)), Instant.parse("2026-11-20T02:00:00Z"));

    assertThat(publisher.write(manifest)).isTrue();
    // Redone after a crash, later: same batch id, and the first manifest stays.
    BronzeManifest redone =
        ManifestPublisher.manifest(
            "t", List.of(file(0, 0, 99), file(3, 500, 599)), Instant.parse("2026-11-20T03:00:00Z"));
    assertThat(publisher.keyOf(redone)).isEqualTo(publisher.keyOf(manifest));
    assertThat(publisher.write(redone)).isFalse();

    JsonNode json =
        new ObjectMapper()
            .readTree(
                s3.client()
                    .getObjectAsBytes(b -> b.bucket(bucket).key(publisher.keyOf(manifest)))
                    .asUtf8String());
    assertThat(json.get("batch_id").asText()).isEqualTo(manifest.getBatchId());
    assertThat(json.get("created_at").asText()).isEqualTo("2026-11-20T02:00:00Z");
    assertThat(json.get("files")).hasSize(2);
    assertThat(json.get("files").get(0).get("partition").asInt()).isZero();
    assertThat(json.get("files").get(1).get("start_offset").asLong()).isEqualTo(500);
    assertThat(json.get("files").get(1).get("row_count").asLong()).isEqualTo(100);
    assertThat(json.get("files").get(0).get("checksum").asText()).hasSize(64);
    assertThat(json.get("files").get(0).get("max_updated_at").asText())
        .isEqualTo("2026-11-20T01:00:00Z");
  }
}
