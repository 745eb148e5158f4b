package io.lmsingest.simulator.truth;

import io.lmsingest.schemas.LearnerActivity;
import io.lmsingest.schemas.TrustedContracts;
import io.lmsingest.simulator.timeline.ActivityTimeline;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongPredicate;
import org.apache.avro.specific.SpecificData;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;

/**
 * The latest version of every activity among the first {@code horizon} changes: what the warehouse
 * must hold once everything served so far has been ingested. Deleted activities are included, with
 * {@code is_deleted = true}, so a test can check soft deletes too.
 */
public final class GroundTruth {
  static {
    TrustedContracts.register(); // Parquet's Avro model loads LearnerActivity by name
  }

  private GroundTruth() {}

  /**
   * Summary of a written ground truth; {@code rejected} changes were served unparsable and are
   * listed in {@link #rejectedList}.
   */
  public record Summary(long changes, long activities, long deleted, long rejected, Path file) {}

  /**
   * The changes the API served unparsable (left out of the ground truth), beside it: CSV with a
   * header, {@code activity_id,updated_at}, one row per change. What the poller's DLQ must hold.
   */
  public static Path rejectedList(Path target) {
    return target.resolveSibling(target.getFileName() + ".rejected.csv");
  }

  /**
   * Writes the ground truth as zstd Parquet (LearnerActivity columns, one row per activity) to
   * {@code target}, atomically. Memory: 4 bytes per change up to the horizon.
   */
  public static Summary write(ActivityTimeline timeline, long horizon, Path target)
      throws IOException {
    return write(timeline, horizon, target, slot -> false);
  }

  /**
   * As above, where the deletes at the slots {@code minimal} selects were served as minimal
   * payloads (id, updated_at, is_deleted only): such an activity's row keeps the columns of its
   * newest earlier version, with the delete's updated_at and is_deleted. Memory: 4 bytes per
   * change, plus an entry per activity whose newest change is a minimal delete.
   */
  public static Summary write(
      ActivityTimeline timeline, long horizon, Path target, LongPredicate minimal)
      throws IOException {
    return write(timeline, horizon, target, minimal, slot -> false);
  }

  /**
   * As above, where the changes at the slots {@code rejected} selects were served unparsable: they
   * never reach the warehouse (an activity keeps its newest other version, or is absent), and
   * {@link #rejectedList} lists them.
   */
  public static Summary write(
      ActivityTimeline timeline,
      long horizon,
      Path target,
      LongPredicate minimal,
      LongPredicate rejected)
      throws IOException {
    if (horizon > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(
          "ground truth supports at most " + (Integer.MAX_VALUE - 8) + " changes");
    }
    int n = (int) horizon;
    // latest[a] = slot of the newest change of the activity created at slot a, as an offset from a;
    // -1 where slot a created no activity.
    int[] latest = new int[n];
    Arrays.fill(latest, -1);
    // For an activity whose newest change is a minimal delete: its newest change that carried all
    // its columns (offset from a). Few activities, so a map rather than a second int per change
    // (two arrays of 20M changes did not fit the simulator's heap).
    Map<Integer, Integer> fullBeforeMinimal = new HashMap<>();
    Files.createDirectories(target.toAbsolutePath().getParent());
    long rejectedCount = 0;
    Path rejectedCsv = rejectedList(target);
    Path rejectedPartial = rejectedCsv.resolveSibling(rejectedCsv.getFileName() + ".partial");
    try (BufferedWriter csv = Files.newBufferedWriter(rejectedPartial, StandardCharsets.UTF_8)) {
      csv.write("activity_id,updated_at\n");
      for (int slot = 0; slot < n; slot++) {
        if (rejected.test(slot)) {
          LearnerActivity record = timeline.recordAt(slot);
          csv.write(record.getActivityId() + "," + record.getUpdatedAt() + "\n");
          rejectedCount++;
        }
      }
    }
    Files.move(
        rejectedPartial,
        rejectedCsv,
        StandardCopyOption.REPLACE_EXISTING,
        StandardCopyOption.ATOMIC_MOVE);
    for (int slot = 0; slot < n; slot++) {
      if (rejected.test(slot)) {
        continue; // in the DLQ, never in the warehouse
      }
      ActivityTimeline.Change change = timeline.changeAt(slot);
      int activity = (int) change.activitySlot();
      if (change.kind() == ActivityTimeline.Change.Kind.DELETE && minimal.test(slot)) {
        if (!fullBeforeMinimal.containsKey(activity)) {
          // The newest change so far carried all columns (or, if every one was rejected, the
          // creation's columns stand in).
          fullBeforeMinimal.put(activity, Math.max(latest[activity], 0));
        }
      } else {
        fullBeforeMinimal.remove(activity);
      }
      latest[activity] = slot - activity;
    }
    Path partial = target.resolveSibling(target.getFileName() + ".partial");
    Files.deleteIfExists(partial);
    long activities = 0;
    long deleted = 0;
    try (ParquetWriter<LearnerActivity> writer =
        AvroParquetWriter.<LearnerActivity>builder(new LocalOutputFile(partial))
            .withSchema(LearnerActivity.getClassSchema())
            .withDataModel(SpecificData.getForSchema(LearnerActivity.getClassSchema()))
            .withCompressionCodec(CompressionCodecName.ZSTD)
            // Parquet buffers a row group in memory: 128MB by default, half the simulator's heap.
            .withRowGroupSize(16L << 20)
            .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
            .build()) {
      for (int a = 0; a < n; a++) {
        if (latest[a] < 0) {
          continue;
        }
        LearnerActivity record = timeline.recordAt((long) a + latest[a]);
        Integer full = fullBeforeMinimal.get(a);
        if (full != null) {
          record =
              LearnerActivity.newBuilder(timeline.recordAt((long) a + full))
                  .setUpdatedAt(record.getUpdatedAt())
                  .setIsDeleted(true)
                  .build();
        }
        writer.write(record);
        activities++;
        if (record.getIsDeleted()) {
          deleted++;
        }
      }
    }
    Files.move(
        partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    return new Summary(horizon, activities, deleted, rejectedCount, target);
  }
}
