package io.lmsingest.simulator.truth;

import io.lmsingest.schemas.LearnerActivity;
import io.lmsingest.schemas.TrustedContracts;
import io.lmsingest.simulator.timeline.ActivityTimeline;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
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

  /** Summary of a written ground truth. */
  public record Summary(long changes, long activities, long deleted, Path file) {}

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
   * newest earlier version, with the delete's updated_at and is_deleted. Memory: 8 bytes per
   * change.
   */
  public static Summary write(
      ActivityTimeline timeline, long horizon, Path target, LongPredicate minimal)
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
    // The newest change of each activity that carried all its columns (not a minimal delete).
    int[] latestFull = new int[n];
    for (int slot = 0; slot < n; slot++) {
      ActivityTimeline.Change change = timeline.changeAt(slot);
      long activity = change.activitySlot();
      latest[(int) activity] = (int) (slot - activity);
      if (change.kind() != ActivityTimeline.Change.Kind.DELETE || !minimal.test(slot)) {
        latestFull[(int) activity] = (int) (slot - activity);
      }
    }
    Files.createDirectories(target.toAbsolutePath().getParent());
    Path partial = target.resolveSibling(target.getFileName() + ".partial");
    Files.deleteIfExists(partial);
    long activities = 0;
    long deleted = 0;
    try (ParquetWriter<LearnerActivity> writer =
        AvroParquetWriter.<LearnerActivity>builder(new LocalOutputFile(partial))
            .withSchema(LearnerActivity.getClassSchema())
            .withDataModel(SpecificData.getForSchema(LearnerActivity.getClassSchema()))
            .withCompressionCodec(CompressionCodecName.ZSTD)
            .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
            .build()) {
      for (int a = 0; a < n; a++) {
        if (latest[a] < 0) {
          continue;
        }
        LearnerActivity record = timeline.recordAt((long) a + latest[a]);
        if (latestFull[a] != latest[a]) {
          record =
              LearnerActivity.newBuilder(timeline.recordAt((long) a + latestFull[a]))
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
    return new Summary(horizon, activities, deleted, target);
  }
}
