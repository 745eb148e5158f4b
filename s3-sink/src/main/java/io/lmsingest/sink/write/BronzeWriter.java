package io.lmsingest.sink.write;

import io.lmsingest.sink.bronze.BronzeParquetWriter;
import io.lmsingest.sink.bronze.WrittenFile;
import io.lmsingest.sink.commit.BronzeCommitter;
import io.lmsingest.sink.commit.DurableFile;
import io.lmsingest.sink.rotation.OpenFile;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.generic.GenericRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the records of one topic into Bronze: one open Parquet file per partition on local disk,
 * finished on demand and made durable by the {@link BronzeCommitter}. The one Bronze writer of the
 * project: the sink, the loader benchmark and the loader tests all write Bronze through it. It
 * knows nothing of consumers or offsets commits.
 */
public final class BronzeWriter implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(BronzeWriter.class);

  private final String topic;
  private final Path stagingDir;
  private final String bronzePrefix;
  private final long rowGroupBytes;
  private final BronzeCommitter committer;
  private final Clock clock;
  private final Map<Integer, Open> open = new TreeMap<>();

  private record Open(BronzeParquetWriter writer, Instant openedAt) {}

  public BronzeWriter(
      String topic,
      Path stagingDir,
      String bronzePrefix,
      long rowGroupBytes,
      BronzeCommitter committer,
      Clock clock) {
    this.topic = topic;
    this.stagingDir = stagingDir;
    this.bronzePrefix = bronzePrefix;
    this.rowGroupBytes = rowGroupBytes;
    this.committer = committer;
    this.clock = clock;
  }

  public String topic() {
    return topic;
  }

  /**
   * Appends a record to its partition's open file. A record with another (compatible) writer schema
   * ends the open file first, so the new file carries the new column; that file is made durable
   * here and returned (empty otherwise), for the caller to commit.
   */
  public List<DurableFile> write(
      int partition, long offset, long kafkaTimestamp, GenericRecord value) throws IOException {
    List<DurableFile> finished = List.of();
    Open file = open.get(partition);
    if (file != null && !file.writer().writerSchema().equals(value.getSchema())) {
      finished = finish(List.of(partition));
      file = null;
    }
    if (file == null) {
      file =
          new Open(
              new BronzeParquetWriter(
                  stagingDir, bronzePrefix, topic, partition, value.getSchema(), rowGroupBytes),
              clock.instant());
      open.put(partition, file);
    }
    file.writer().write(value, offset, kafkaTimestamp);
    return finished;
  }

  /** The open files, for the flush plan. */
  public List<OpenFile> openFiles() {
    Instant now = clock.instant();
    List<OpenFile> files = new ArrayList<>();
    open.forEach(
        (p, f) ->
            files.add(
                new OpenFile(
                    p,
                    f.writer().rows(),
                    f.writer().bytes(),
                    Duration.between(f.openedAt(), now))));
    return files;
  }

  public boolean isOpen(int partition) {
    return open.containsKey(partition);
  }

  /** Records in the partition's open file (0 when none is open). */
  public long rows(int partition) {
    Open file = open.get(partition);
    return file == null ? 0 : file.writer().rows();
  }

  /** Completes the open files of {@code partitions} and makes them durable. */
  public List<DurableFile> finish(Collection<Integer> partitions) throws IOException {
    List<WrittenFile> written = new ArrayList<>();
    try {
      for (int partition : partitions) {
        Open file = open.remove(partition);
        if (file != null) {
          written.add(file.writer().complete());
        }
      }
    } catch (IOException | RuntimeException e) {
      written.forEach(w -> w.localFile().toFile().delete());
      throw e;
    }
    return written.isEmpty() ? List.of() : committer.commit(topic, written);
  }

  /** Completes every open file and makes them durable. */
  public List<DurableFile> finishAll() throws IOException {
    return finish(new ArrayList<>(open.keySet()));
  }

  /** Drops the partition's open file (its records are read again by whoever owns it next). */
  public void discard(int partition) {
    Open file = open.remove(partition);
    if (file != null) {
      try {
        file.writer().abort();
      } catch (IOException e) {
        LOG.warn("could not delete the staging file of {}-{}: {}", topic, partition, e.toString());
      }
    }
  }

  public void discardAll() {
    new ArrayList<>(open.keySet()).forEach(this::discard);
  }

  /** Drops every open file: nothing unfinished is ever made durable by closing. */
  @Override
  public void close() {
    discardAll();
  }
}
