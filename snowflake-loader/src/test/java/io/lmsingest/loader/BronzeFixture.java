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
import io.lmsingest.testkit.KafkaFixture;
import io.lmsingest.testkit.RegistryFixture;
import io.lmsingest.testkit.S3Fixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;
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
   * Changes [0, records) of the timeline in {@code dir/bronze} as files of 5,000 rows of one
   * partition, one manifest each.
   */
  static List<BronzeManifest> filesOf5000Rows(
      S3Fixture s3, String bucket, Path dir, ActivityTimeline timeline, long records)
      throws Exception {
    return write(
        s3,
        bucket,
        dir.resolve("bronze"),
        timeline,
        0,
        records,
        1,
        5_000,
        new long[1],
        LearnerActivity.getClassSchema());
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

  /**
   * The loader's config for a DuckDB warehouse at {@code database} loading from {@code bucket},
   * with the S3 keys as file references under {@code dir}; callers add Kafka keys if they follow
   * the topic.
   */
  static Map<String, String> loaderConfig(S3Fixture s3, String bucket, Path database, Path dir)
      throws IOException {
    Map<String, String> values = new HashMap<>();
    values.put(LoaderConfig.DUCKDB_PATH, database.toString());
    values.put(LoaderConfig.STAGING_DIR, database.resolveSibling("staging").toString());
    values.put(LoaderConfig.BUCKET, bucket);
    values.put(LoaderConfig.ENDPOINT, s3.endpoint().uri().toString());
    values.put(LoaderConfig.PATH_STYLE, "true");
    values.put(
        LoaderConfig.ACCESS_KEY_ID,
        "file:" + Files.writeString(dir.resolve("id"), s3.endpoint().accessKeyId()));
    values.put(
        LoaderConfig.SECRET_ACCESS_KEY,
        "file:" + Files.writeString(dir.resolve("secret"), s3.endpoint().secretAccessKey()));
    return values;
  }

  /** As above, following {@code topic} as a new consumer group (its id under GROUP_ID). */
  static Map<String, String> loaderConfig(
      KafkaFixture kafka,
      RegistryFixture registry,
      String topic,
      S3Fixture s3,
      String bucket,
      Path database,
      Path dir)
      throws IOException {
    Map<String, String> values = loaderConfig(s3, bucket, database, dir);
    values.put(LoaderConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
    values.put(LoaderConfig.REGISTRY_URL, registry.url());
    values.put(LoaderConfig.GROUP_ID, "loader-" + UUID.randomUUID());
    values.put(LoaderConfig.MANIFEST_TOPIC, topic);
    return values;
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
