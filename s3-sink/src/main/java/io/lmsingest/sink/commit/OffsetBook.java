package io.lmsingest.sink.commit;

import io.lmsingest.kit.runtime.Backoff;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The sink's commit bookkeeping, with no I/O: the committed offset of every assigned partition (the
 * Bronze high-water mark), which records of a poll are already covered, what to commit once files
 * are durable, and the run of failures with its backoff. The clock is passed in.
 */
public final class OffsetBook {
  private static final Backoff BACKOFF =
      new Backoff(Duration.ofMillis(200), Duration.ofSeconds(10));

  /** From this many failures in a row the sink's log line carries {@code alert=true}. */
  public static final int ALERT_AFTER_FAILURES = 5;

  /**
   * The metadata of every offset the sink commits: the offset is the start of the next Bronze file
   * (or past transaction markers after the last one). An offset committed by anyone else (a replay
   * to a datetime, Kafka's reset tool, a new group at a log start moved by retention) may lie
   * inside an existing file, and is checked against Bronze before anything is written from it.
   */
  public static final String BOUNDARY = "lms-bronze-boundary";

  private final Clock clock;
  private final Map<TopicPartition, Long> committed = new HashMap<>();
  private final Set<TopicPartition> unaligned = new HashSet<>();
  private final Set<TopicPartition> repositioned = new HashSet<>();
  private int failuresInARow;
  private Instant failingSince;
  private String lastFailure = "";

  public OffsetBook(Clock clock) {
    this.clock = clock;
  }

  public synchronized void assigned(TopicPartition tp, long committedOffset) {
    committed.put(tp, committedOffset);
  }

  /**
   * As above, from the group's committed offset (null for none): unless the sink committed it
   * itself, the position must be aligned with Bronze before the partition's first file.
   */
  public synchronized void assigned(TopicPartition tp, OffsetAndMetadata committedOffset) {
    committed.put(tp, committedOffset == null ? 0L : committedOffset.offset());
    if (committedOffset == null || !BOUNDARY.equals(committedOffset.metadata())) {
      unaligned.add(tp);
    } else {
      unaligned.remove(tp);
    }
  }

  /**
   * {@code tp}'s records before {@code first} are gone from the topic and the position moved there:
   * nothing before it can be read again, and it may lie inside an existing Bronze object.
   */
  public synchronized void expired(TopicPartition tp, long first) {
    committed.put(tp, first);
    unaligned.add(tp);
  }

  /** Whether {@code tp}'s position may lie inside an existing Bronze object. */
  public synchronized boolean unaligned(TopicPartition tp) {
    return unaligned.contains(tp);
  }

  /** {@code tp}'s position was checked against Bronze. */
  public synchronized void aligned(TopicPartition tp) {
    unaligned.remove(tp);
  }

  public synchronized void revoked(Collection<TopicPartition> partitions) {
    partitions.forEach(committed::remove);
    unaligned.removeAll(partitions);
    repositioned.removeAll(partitions);
  }

  public synchronized OptionalLong committed(TopicPartition tp) {
    Long offset = committed.get(tp);
    return offset == null ? OptionalLong.empty() : OptionalLong.of(offset);
  }

  /** A new poll's records are about to be appended. */
  public synchronized void startBatch() {
    repositioned.clear();
  }

  /**
   * Whether a polled record is to be left out: its partition's position was moved during this batch
   * (the rest of the batch is read again from there), or it is already in a durable file.
   */
  public synchronized boolean skip(TopicPartition tp, long offset) {
    Long mark = committed.get(tp);
    return repositioned.contains(tp) || (mark != null && offset < mark);
  }

  /** The offsets to commit now that {@code files} of {@code topic} are durable. */
  public Map<TopicPartition, OffsetAndMetadata> offsetsFor(String topic, List<DurableFile> files) {
    Map<TopicPartition, OffsetAndMetadata> commits = new HashMap<>();
    for (DurableFile f : files) {
      commits.merge(
          new TopicPartition(topic, f.stored().partition()),
          new OffsetAndMetadata(f.nextOffset(), BOUNDARY),
          (a, b) -> a.offset() >= b.offset() ? a : b);
    }
    return commits;
  }

  /**
   * {@code commits} reached Kafka; a file moved a partition's position if {@code repositionedBy}
   * says so.
   */
  public synchronized void committed(Map<TopicPartition, OffsetAndMetadata> commits) {
    commits.forEach((tp, offset) -> committed.put(tp, offset.offset()));
  }

  /**
   * The consumer was sought on {@code tp}: the rest of the current batch of {@code tp} is skipped.
   */
  public synchronized void repositioned(TopicPartition tp) {
    repositioned.add(tp);
  }

  /**
   * Partitions with no open file have every consumed record in a durable file, so whatever lies
   * between the committed offset and the position is transaction markers: commit the position, or a
   * transactional topic would show a lag of 1 forever.
   */
  public synchronized Map<TopicPartition, OffsetAndMetadata> pastMarkers(
      Collection<TopicPartition> assignment,
      Predicate<TopicPartition> hasOpenFile,
      ToLongFunction<TopicPartition> position) {
    Map<TopicPartition, OffsetAndMetadata> idle = new HashMap<>();
    for (TopicPartition tp : assignment) {
      Long mark = committed.get(tp);
      if (mark == null || hasOpenFile.test(tp)) {
        continue;
      }
      long at = position.applyAsLong(tp);
      if (at > mark) {
        idle.put(tp, new OffsetAndMetadata(at, BOUNDARY));
      }
    }
    return idle;
  }

  /** Files could not be made durable; returns how long to back off before reading again. */
  public synchronized Duration failed(String cause) {
    failuresInARow++;
    if (failingSince == null) {
      failingSince = clock.instant();
    }
    lastFailure = cause;
    return BACKOFF.ceiling(failuresInARow);
  }

  public synchronized int failuresInARow() {
    return failuresInARow;
  }

  /** Files became durable: the run of failures is over. */
  public synchronized void succeeded() {
    failuresInARow = 0;
    failingSince = null;
    lastFailure = "";
  }

  /** Why the sink is not making progress, if it is not. */
  public synchronized Optional<String> failing() {
    if (failuresInARow == 0) {
      return Optional.empty();
    }
    return Optional.of(
        failuresInARow
            + " failure(s) in a row making files durable since "
            + failingSince
            + "; last: "
            + lastFailure);
  }
}
