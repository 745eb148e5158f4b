package io.lmsingest.loader.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lmsingest.schemas.BronzeFile;
import io.lmsingest.schemas.BronzeManifest;
import io.lmsingest.schemas.Topics;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MicroBatchTest {
  static BronzeManifest manifest(String key) {
    return BronzeManifest.newBuilder()
        .setBatchId("m1")
        .setTopic(Topics.V1)
        .setCreatedAt(Instant.parse("2026-11-24T10:00:00Z"))
        .setFiles(
            List.of(
                BronzeFile.newBuilder()
                    .setKey(key)
                    .setSizeBytes(1)
                    .setChecksum("ab")
                    .setRowCount(1)
                    .setPartition(0)
                    .setStartOffset(0)
                    .setEndOffset(0)
                    .setSchemaFingerprint("01")
                    .setMinUpdatedAt(null)
                    .setMaxUpdatedAt(null)
                    .build()))
        .build();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/etc/lms/loader.properties",
        "bronze/../../home/loader/.ssh/authorized_keys",
        "bronze/learner_activity/./x.parquet",
        "bronze//x.parquet",
        "..",
        "bronze/x'; DROP TABLE analytics_ready; --.parquet"
      })
  void aManifestNamingAKeyNoBronzeObjectHasIsRefused(String key) {
    assertThat(MicroBatch.isSafeKey(key)).isFalse();
    assertThatThrownBy(() -> MicroBatch.of(List.of(manifest(key))))
        .hasMessageContaining(
            "manifest m1 names an object key with characters or path segments (/, ., ..) a Bronze key never has");
  }

  @Test
  void bronzeKeysAreAccepted() {
    String key =
        "bronze/learner_activity/dt=2026-11-24/lms.learner-activity.v1+3+00000000000000001000.parquet";
    assertThat(MicroBatch.isSafeKey(key)).isTrue();
    assertThat(MicroBatch.of(List.of(manifest(key))).keys()).containsExactly(key);
  }
}
