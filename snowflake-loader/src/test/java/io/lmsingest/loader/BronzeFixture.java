package io.lmsingest.loader;

import io.lmsingest.schemas.BronzeLayout;
import io.lmsingest.schemas.BronzeManifest;
import io.lmsingest.schemas.LearnerActivity;
import io.lmsingest.schemas.Topics;
import io.lmsingest.simulator.timeline.ActivityTimeline;
import io.lmsingest.simulator.timeline.TimelineSettings;
import io.lmsingest.sink.commit.BronzeCommitter;
import io.lmsingest.sink.commit.DurableFile;
import io.lmsingest.sink.commit.ManifestAnnouncer;
import io.lmsingest.sink.manifest.ManifestPublisher;
import io.lmsingest.sink.upload.BronzeUploader;
import io.lmsingest.sink.upload.Encryption;
import io.lmsingest.sink.write.BronzeWriter;
import io.lmsingest.testkit.S3Fixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.ObjIntConsumer;
import org.apache.avro.JsonProperties;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/**
 * Real Bronze for loader tests, written by the sink's own BronzeWriter (Parquet, upload, manifest):
 * simulated changes keyed into partitions by activity_id, one manifest per file, in S3.
 */
final class BronzeFixture {
  static final Instant START = Instant.parse("2026-11-20T00:00:00Z");
  static final String TOPIC = Topics.V1;

  private BronzeFixture() {}

  static ActivityTimeline timeline(long seed) {
    // ~20 % late updates, ~1 % deletes, as the acceptance asks.
    return new ActivityTimeline(
        new TimelineSettings(seed, START, 5_000_000, OptionalLong.empty(), 0.2, 0.01, 1));
  }

  /**
   * Writes changes [from, to) of the timeline; offsets continue from {@code nextOffset} (updated in
   * place).
   */
  static List<BronzeManifest> write(
      S3Fixture s3,
      String bucket,
      Path dir,
      ActivityTimeline timeline,
      long from,
      long to,
      int partitions,
      int rowsPerFile,
      long[] nextOffset,
      Schema schema)
      throws Exception {
    return write(
        s3,
        bucket,
        dir,
        timeline,
        from,
        to,
        partitions,
        rowsPerFile,
        nextOffset,
        schema,
        (record, slot) -> {});
  }

  /**
   * As above; {@code edit} may change each record before it is written (new fields, rule breakers).
   */
  static List<BronzeManifest> write(
      S3Fixture s3,
      String bucket,
      Path dir,
      ActivityTimeline timeline,
      long from,
      long to,
      int partitions,
      int rowsPerFile,
      long[] nextOffset,
      Schema schema,
      ObjIntConsumer<GenericRecord> edit)
      throws Exception {
    Files.createDirectories(dir);
    BronzeCommitter committer =
        new BronzeCommitter(
            new BronzeUploader(s3.client(), bucket, Encryption.sseS3(), 64L << 20, 8 << 20),
            new ManifestPublisher(
                s3.client(), bucket, BronzeLayout.MANIFEST_PREFIX, Encryption.sseS3()),
            ManifestAnnouncer.NONE,
            Clock.systemUTC());
    List<DurableFile> durable = new ArrayList<>();
    try (BronzeWriter writer =
        new BronzeWriter(
            TOPIC, dir, BronzeLayout.BRONZE_PREFIX, 1 << 20, committer, Clock.systemUTC())) {
      for (long slot = from; slot < to; slot++) {
        LearnerActivity a = timeline.recordAt(slot);
        int partition = Math.floorMod(a.getActivityId().hashCode(), partitions);
        GenericRecord record = generic(a, schema);
        edit.accept(record, (int) slot);
        durable.addAll(
            writer.write(
                partition, nextOffset[partition]++, a.getUpdatedAt().toEpochMilli(), record));
        if (writer.rows(partition) >= rowsPerFile) {
          durable.addAll(writer.finish(List.of(partition)));
        }
      }
      durable.addAll(writer.finishAll());
    }
    return durable.stream().map(DurableFile::manifest).toList();
  }

  static GenericRecord generic(LearnerActivity a, Schema schema) {
    GenericData.Record record = new GenericData.Record(schema);
    for (Schema.Field f : schema.getFields()) {
      Schema.Field known = LearnerActivity.getClassSchema().getField(f.name());
      Object value =
          known == null
              ? f.defaultVal() == JsonProperties.NULL_VALUE ? null : f.defaultVal()
              : a.get(known.pos());
      record.put(f.pos(), value instanceof Instant i ? i.toEpochMilli() : value);
    }
    return record;
  }
}
