package io.lmsingest.schemas;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The JSON form of a {@link BronzeManifest} as it lies in {@code manifests/learner_activity/}:
 * snake_case fields, ISO-8601 UTC times. The sink writes it; a replay of the loader reads it back
 * with no Kafka at all.
 */
public final class ManifestJson {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ManifestJson() {}

  public static String write(BronzeManifest manifest) {
    ObjectNode root = JSON.createObjectNode();
    root.put("batch_id", manifest.getBatchId());
    root.put("topic", manifest.getTopic());
    root.put("created_at", manifest.getCreatedAt().toString());
    if (manifest.getTopicId() != null) {
      root.put("topic_id", manifest.getTopicId());
    }
    ArrayNode files = root.putArray("files");
    for (BronzeFile f : manifest.getFiles()) {
      ObjectNode file = files.addObject();
      file.put("key", f.getKey());
      file.put("size_bytes", f.getSizeBytes());
      file.put("checksum", f.getChecksum());
      file.put("row_count", f.getRowCount());
      file.put("partition", f.getPartition());
      file.put("start_offset", f.getStartOffset());
      file.put("end_offset", f.getEndOffset());
      file.put("schema_fingerprint", f.getSchemaFingerprint());
      file.put(
          "min_updated_at", f.getMinUpdatedAt() == null ? null : f.getMinUpdatedAt().toString());
      file.put(
          "max_updated_at", f.getMaxUpdatedAt() == null ? null : f.getMaxUpdatedAt().toString());
    }
    return root.toString();
  }

  /** Parses a manifest; a missing or malformed field is an error naming it and the source. */
  public static BronzeManifest read(String json, String source) {
    try {
      JsonNode root = JSON.readTree(json);
      List<BronzeFile> files = new ArrayList<>();
      for (JsonNode f : required(root, "files", source)) {
        files.add(
            BronzeFile.newBuilder()
                .setKey(required(f, "key", source).asText())
                .setSizeBytes(required(f, "size_bytes", source).asLong())
                .setChecksum(required(f, "checksum", source).asText())
                .setRowCount(required(f, "row_count", source).asLong())
                .setPartition(required(f, "partition", source).asInt())
                .setStartOffset(required(f, "start_offset", source).asLong())
                .setEndOffset(required(f, "end_offset", source).asLong())
                .setSchemaFingerprint(required(f, "schema_fingerprint", source).asText())
                .setMinUpdatedAt(instantOrNull(f.get("min_updated_at")))
                .setMaxUpdatedAt(instantOrNull(f.get("max_updated_at")))
                .build());
      }
      return BronzeManifest.newBuilder()
          .setBatchId(required(root, "batch_id", source).asText())
          .setTopic(required(root, "topic", source).asText())
          .setCreatedAt(Instant.parse(required(root, "created_at", source).asText()))
          .setTopicId(root.hasNonNull("topic_id") ? root.get("topic_id").asText() : null)
          .setFiles(files)
          .build();
    } catch (IOException e) {
      throw new UncheckedIOException("manifest " + source + " is not JSON: " + e.getMessage(), e);
    }
  }

  private static JsonNode required(JsonNode node, String field, String source) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      throw new IllegalArgumentException("manifest " + source + " has no " + field);
    }
    return value;
  }

  private static Instant instantOrNull(JsonNode value) {
    return value == null || value.isNull() ? null : Instant.parse(value.asText());
  }
}
