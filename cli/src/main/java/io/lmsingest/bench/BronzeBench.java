package io.lmsingest.bench;

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
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import software.amazon.awssdk.services.s3.S3Client;

/** The loader benchmark's data and its two reference loads (the ceiling and the naive insert). */
final class BronzeBench {
  static final int PARTITIONS = 6;
  static final int ROWS_PER_FILE = 100_000;

  private BronzeBench() {}

  /**
   * Simulated changes (~20 % late updates, ~1 % deletes) as Bronze files with one manifest each,
   * like the sink makes them.
   */
  static List<BronzeManifest> write(S3Client s3, String bucket, Path dir, int records)
      throws Exception {
    Files.createDirectories(dir);
    ActivityTimeline timeline =
        new ActivityTimeline(
            new TimelineSettings(
                11,
                Instant.parse("2026-11-01T00:00:00Z"),
                5_000_000,
                OptionalLong.empty(),
                0.2,
                0.01,
                1));
    BronzeCommitter committer =
        new BronzeCommitter(
            new BronzeUploader(s3, bucket, Encryption.sseS3(), 64L << 20, 8 << 20),
            new ManifestPublisher(s3, bucket, BronzeLayout.MANIFEST_PREFIX, Encryption.sseS3()),
            ManifestAnnouncer.NONE,
            Clock.systemUTC());
    Schema schema = LearnerActivity.getClassSchema();
    long[] offsets = new long[PARTITIONS];
    List<DurableFile> durable = new ArrayList<>();
    try (BronzeWriter writer =
        new BronzeWriter(
            Topics.V1, dir, BronzeLayout.BRONZE_PREFIX, 8 << 20, committer, Clock.systemUTC())) {
      for (long slot = 0; slot < records; slot++) {
        LearnerActivity a = timeline.recordAt(slot);
        int partition = Math.floorMod(a.getActivityId().hashCode(), PARTITIONS);
        durable.addAll(
            writer.write(
                partition,
                offsets[partition]++,
                a.getUpdatedAt().toEpochMilli(),
                StageCeilings.toRecord(a, schema)));
        if (writer.rows(partition) >= ROWS_PER_FILE) {
          durable.addAll(writer.finish(List.of(partition)));
        }
      }
      durable.addAll(writer.finishAll());
    }
    return durable.stream().map(DurableFile::manifest).toList();
  }

  static List<String> download(S3Client s3, String bucket, List<BronzeManifest> manifests, Path dir)
      throws Exception {
    List<String> files = new ArrayList<>();
    for (BronzeManifest m : manifests) {
      for (var f : m.getFiles()) {
        Path local = dir.resolve(f.getKey());
        Files.createDirectories(local.getParent());
        s3.getObject(b -> b.bucket(bucket).key(f.getKey()), local);
        files.add(local.toString());
      }
    }
    return files;
  }

  /** DuckDB's own fastest load of the same files: CREATE TABLE AS SELECT * FROM read_parquet. */
  static double ctas(Path database, List<String> files, long records) throws Exception {
    return ctas(database, files, records, List.of());
  }

  /** As {@link #ctas(Path, List, long)}, in a session that first runs {@code settings}. */
  static double ctas(Path database, List<String> files, long records, List<String> settings)
      throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + database);
        Statement st = c.createStatement()) {
      for (String set : settings) {
        st.execute(set);
      }
      long t0 = System.nanoTime();
      st.execute(
          "CREATE TABLE t AS SELECT * FROM read_parquet(["
              + files.stream().map(f -> "'" + f + "'").collect(Collectors.joining(", "))
              + "])");
      double seconds = (System.nanoTime() - t0) / 1e9;
      try (ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM t")) {
        rs.next();
        if (rs.getLong(1) != records) {
          throw new IllegalStateException(
              "the ceiling load holds " + rs.getLong(1) + " rows, not " + records);
        }
      }
      return records / seconds;
    }
  }

  /** The seed's anti-pattern: one INSERT per row over JDBC, autocommit on. */
  static double rowByRow(Path database, List<String> files, int rows) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + database);
        Statement st = c.createStatement()) {
      st.execute(
          "CREATE TABLE t (activity_id VARCHAR, learner_id VARCHAR, course_id VARCHAR, activity_type VARCHAR,"
              + " activity_timestamp TIMESTAMP, updated_at TIMESTAMP, status VARCHAR, score DOUBLE, is_deleted BOOLEAN)");
      List<Object[]> source = new ArrayList<>();
      try (ResultSet rs =
          st.executeQuery(
              "SELECT activity_id, learner_id, course_id, activity_type, activity_timestamp::TIMESTAMP,"
                  + " updated_at::TIMESTAMP, status, score, is_deleted FROM read_parquet('"
                  + files.get(0)
                  + "') LIMIT "
                  + rows)) {
        while (rs.next()) {
          Object[] row = new Object[9];
          for (int i = 0; i < 9; i++) {
            row[i] = rs.getObject(i + 1);
          }
          source.add(row);
        }
      }
      long t0 = System.nanoTime();
      try (PreparedStatement insert =
          c.prepareStatement("INSERT INTO t VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        for (Object[] row : source) {
          for (int i = 0; i < 9; i++) {
            insert.setObject(i + 1, row[i]);
          }
          insert.executeUpdate();
        }
      }
      return source.size() / ((System.nanoTime() - t0) / 1e9);
    }
  }
}
