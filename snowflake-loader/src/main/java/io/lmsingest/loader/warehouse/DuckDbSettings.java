package io.lmsingest.loader.warehouse;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * How much of the machine the embedded warehouse may take. DuckDB's defaults are 80 % of RAM and
 * one thread per core: next to a broker and three other services that is neither flat nor fair.
 * {@code checkpointThreshold} is the write-ahead log size at which a COMMIT also checkpoints; every
 * checkpoint rewrites the row groups the batches changed, so a small threshold makes a backlog of
 * small batches rewrite the growing target table again and again.
 *
 * <p>{@code checkpointRows}: large loads write their rows straight to the database file, past the
 * WAL, so the WAL threshold alone may never be reached while the changes not yet checkpointed hold
 * memory; after this many rows copied since the last checkpoint the loader checkpoints itself (0 =
 * never). Without it, merges into a target of ~8M rows failed with Out of Memory at 192MB.
 *
 * <p>{@code disabledCompression}: DuckDB compression methods it must not try. FSST (string
 * compression by a symbol table) is off by default: trying and applying it to every string segment
 * cost a fifth of a 5M-row replay (53.5 s against 43.4 s) for a file 1.8× smaller. The ids, nearly
 * all distinct, then stay uncompressed; low-cardinality strings keep their dictionaries.
 *
 * <p>{@code keepRaw}: also copy every batch's rows into {@code raw_learner_activity} (every
 * version, tagged with file and batch), as Snowflake's COPY does, and MERGE from there. Off by
 * default: the MERGE reads the batch's staged files straight, which halves a batch's time (the copy
 * wrote every row a second time) and keeps one copy of each row in the database file; the versions
 * stay in Bronze.
 */
public record DuckDbSettings(
    String memoryLimit,
    int threads,
    String checkpointThreshold,
    long checkpointRows,
    List<String> disabledCompression,
    Path spillDirectory,
    boolean keepRaw) {
  private static final Pattern SIZE =
      Pattern.compile(
          "\\d+(\\.\\d+)?\\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)", Pattern.CASE_INSENSITIVE);
  private static final Pattern METHOD = Pattern.compile("[a-z_]{1,32}");

  public static final String DEFAULT_MEMORY_LIMIT = "192MB";
  public static final int DEFAULT_THREADS = 1;
  public static final String DEFAULT_CHECKPOINT_THRESHOLD = "256MB";
  public static final long DEFAULT_CHECKPOINT_ROWS = 1_000_000L;
  public static final List<String> DEFAULT_DISABLED_COMPRESSION = List.of("fsst");
  public static final boolean DEFAULT_KEEP_RAW = false;

  /** The loader's defaults (its config's). */
  public static DuckDbSettings defaults(Path spillDirectory) {
    return new DuckDbSettings(
        DEFAULT_MEMORY_LIMIT,
        DEFAULT_THREADS,
        DEFAULT_CHECKPOINT_THRESHOLD,
        DEFAULT_CHECKPOINT_ROWS,
        DEFAULT_DISABLED_COMPRESSION,
        spillDirectory,
        DEFAULT_KEEP_RAW);
  }

  /** These settings, copying batches into RAW first or not. */
  public DuckDbSettings withKeepRaw(boolean keep) {
    return new DuckDbSettings(
        memoryLimit,
        threads,
        checkpointThreshold,
        checkpointRows,
        disabledCompression,
        spillDirectory,
        keep);
  }

  /** Empty (DuckDB's default) or a size DuckDB reads, such as 512MB or 2GB. */
  public static boolean isSize(String value) {
    return value.isEmpty() || SIZE.matcher(value).matches();
  }

  /** Whether {@code name} can be a DuckDB compression method's name (DuckDB checks it is one). */
  public static boolean isCompressionMethod(String name) {
    return METHOD.matcher(name).matches();
  }

  public DuckDbSettings {
    disabledCompression = List.copyOf(disabledCompression);
    for (String method : disabledCompression) {
      if (!isCompressionMethod(method)) {
        throw new IllegalArgumentException("not a DuckDB compression method: '" + method + "'");
      }
    }
    if (!isSize(memoryLimit) || !isSize(checkpointThreshold)) {
      throw new IllegalArgumentException(
          "not a size such as 512MB or 2GB: " + memoryLimit + ", " + checkpointThreshold);
    }
    if (checkpointRows < 0) {
      throw new IllegalArgumentException("duckdb checkpoint rows must be 0 (never) or more");
    }
    if (threads < 0) {
      throw new IllegalArgumentException("duckdb threads must be 0 (one per core) or more");
    }
  }

  /** The SET statements a new session runs; empty values keep DuckDB's default. */
  public List<String> statements() {
    List<String> sets = new ArrayList<>();
    if (!memoryLimit.isEmpty()) {
      sets.add("SET memory_limit = '" + memoryLimit.toUpperCase(Locale.ROOT) + "'");
    }
    if (threads > 0) {
      sets.add("SET threads = " + threads);
    }
    if (!checkpointThreshold.isEmpty()) {
      sets.add("SET checkpoint_threshold = '" + checkpointThreshold.toUpperCase(Locale.ROOT) + "'");
    }
    if (!disabledCompression.isEmpty()) {
      sets.add(
          "SET disabled_compression_methods = '" + String.join(",", disabledCompression) + "'");
    }
    // Loads need no insertion order; keeping it costs memory DuckDB's own guide says to save.
    sets.add("SET preserve_insertion_order = false");
    // Joins and sorts over the limit spill here instead of failing.
    sets.add("SET temp_directory = '" + spillDirectory.toString().replace("'", "''") + "'");
    return sets;
  }
}
