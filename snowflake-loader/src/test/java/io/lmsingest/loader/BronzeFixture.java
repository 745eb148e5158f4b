package io.lmsingest.loader;

import io.lmsingest.schemas.Topics;
import io.lmsingest.schemas.BronzeLayout;
import io.lmsingest.schemas.BronzeManifest;
import io.lmsingest.schemas.LearnerActivity;
import io.lmsingest.simulator.timeline.ActivityTimeline;
import io.lmsingest.simulator.timeline.TimelineSettings;
import io.lmsingest.sink.bronze.BronzeParquetWriter;
import io.lmsingest.sink.bronze.WrittenFile;
import io.lmsingest.sink.manifest.ManifestPublisher;
import io.lmsingest.sink.upload.BronzeUploader;
import io.lmsingest.sink.upload.Encryption;
import io.lmsingest.testkit.S3Fixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/**
 * Real Bronze for loader tests, written by the sink's own writer, uploader and manifest publisher:
 * simulated changes keyed into partitions by activity_id, one manifest per file, in S3.
 */
final class BronzeFixture {
  static final Instant START = Instant.parse("2026-11-20T00:00:00Z");
  static final String TOPIC = Topics.V1;

  private BronzeFixture() {}

  static ActivityTimeline timeline(long seed) {
    // ~20 % late updates, ~1 % deletes, as the acceptance asks.
    return new ActivityTimeline(new TimelineSettings(seed, START, 5_000_000, OptionalLong.empty(), 0.2, 0.01, 1));
  }

  /** Writes changes [from, to) of the timeline; offsets continue from {@code nextOffset} (updated in place). */
  static List<BronzeManifest> write(S3Fixture s3, String bucket, Path dir, ActivityTimeline timeline, long from, long to, int partitions,
      int rowsPerFile, long[] nextOffset, Schema schema) throws Exception {
    return write(s3, bucket, dir, timeline, from, to, partitions, rowsPerFile, nextOffset, schema, (record, slot) -> {});
  }

  /** As above; {@code edit} may change each record before it is written (new fields, rule breakers). */
  static List<BronzeManifest> write(S3Fixture s3, String bucket, Path dir, ActivityTimeline timeline, long from, long to, int partitions,
      int rowsPerFile, long[] nextOffset, Schema schema, java.util.function.ObjIntConsumer<GenericRecord> edit) throws Exception {
    Files.createDirectories(dir);
    BronzeUploader uploader = new BronzeUploader(s3.client(), bucket, Encryption.sseS3(), 64L << 20, 8 << 20);
    ManifestPublisher publisher = new ManifestPublisher(s3.client(), bucket, BronzeLayout.MANIFEST_PREFIX, Encryption.sseS3());
    Map<Integer, BronzeParquetWriter> open = new HashMap<>();
    List<BronzeManifest> manifests = new ArrayList<>();
    for (long slot = from; slot < to; slot++) {
      LearnerActivity a = timeline.recordAt(slot);
      int partition = Math.floorMod(a.getActivityId().hashCode(), partitions);
      BronzeParquetWriter writer = open.get(partition);
      if (writer == null) {
        writer = new BronzeParquetWriter(dir, BronzeLayout.BRONZE_PREFIX, TOPIC, partition, schema, 1 << 20);
        open.put(partition, writer);
      }
      GenericRecord record = generic(a, schema);
      edit.accept(record, (int) slot);
      writer.write(record, nextOffset[partition]++, a.getUpdatedAt().toEpochMilli());
      if (writer.rows() >= rowsPerFile) {
        manifests.add(publish(open.remove(partition), uploader, publisher));
      }
    }
    for (BronzeParquetWriter writer : open.values()) {
      manifests.add(publish(writer, uploader, publisher));
    }
    return manifests;
  }

  private static BronzeManifest publish(BronzeParquetWriter writer, BronzeUploader uploader, ManifestPublisher publisher) throws Exception {
    WrittenFile file = writer.complete();
    uploader.upload(file);
    Files.delete(file.localFile());
    BronzeManifest manifest = ManifestPublisher.manifest(TOPIC, List.of(file), Instant.ofEpochMilli(file.maxUpdatedAt().orElseThrow().toEpochMilli()));
    publisher.write(manifest);
    return manifest;
  }

  static GenericRecord generic(LearnerActivity a, Schema schema) {
    GenericData.Record record = new GenericData.Record(schema);
    for (Schema.Field f : schema.getFields()) {
      Schema.Field known = LearnerActivity.getClassSchema().getField(f.name());
      Object value = known == null ? f.defaultVal() == org.apache.avro.JsonProperties.NULL_VALUE ? null : f.defaultVal() : a.get(known.pos());
      record.put(f.pos(), value instanceof Instant i ? i.toEpochMilli() : value);
    }
    return record;
  }
}
