package io.lmsingest.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ManifestJsonTest {
  static {
    TrustedContracts.register(); // Avro 1.12 copies generated classes only when trusted
  }

  @Test
  void roundTripsAndNamesAMissingField() {
    BronzeManifest manifest =
        BronzeManifest.newBuilder()
            .setBatchId("abc")
            .setTopic("t")
            .setCreatedAt(Instant.parse("2026-11-24T10:00:00Z"))
            .setFiles(
                List.of(
                    BronzeFile.newBuilder()
                        .setKey("bronze/x.parquet")
                        .setSizeBytes(10)
                        .setChecksum("ff")
                        .setRowCount(3)
                        .setPartition(2)
                        .setStartOffset(7)
                        .setEndOffset(11)
                        .setSchemaFingerprint("01")
                        .setMinUpdatedAt(Instant.parse("2026-11-24T09:00:00Z"))
                        .setMaxUpdatedAt(null)
                        .build()))
            .build();
    String json = ManifestJson.write(manifest);
    assertThat(json)
        .contains("\"start_offset\":7")
        .contains("\"created_at\":\"2026-11-24T10:00:00Z\"");
    assertThat(ManifestJson.read(json, "m.json")).isEqualTo(manifest);
    assertThatThrownBy(() -> ManifestJson.read(json.replace("\"checksum\"", "\"sum\""), "m.json"))
        .hasMessage("manifest m.json has no checksum");

    // The topic's id when recorded; manifests from before it read back without one.
    BronzeManifest withId = BronzeManifest.newBuilder(manifest).setTopicId("Xq3-topic-id").build();
    String idJson = ManifestJson.write(withId);
    assertThat(idJson).contains("\"topic_id\":\"Xq3-topic-id\"");
    assertThat(ManifestJson.read(idJson, "m.json")).isEqualTo(withId);
    assertThat(json).doesNotContain("topic_id");
    assertThat(ManifestJson.read(json, "m.json").getTopicId()).isNull();
  }
}
