package io.lmsingest.poller.kafka;

import io.lmsingest.kit.kafka.TopicReader;
import io.lmsingest.schemas.LearnerActivity;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.generic.IndexedRecord;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The changes written to the raw topic in the look-back window: a re-read of the window writes only
 * what is not among them, so the look-back costs bandwidth, never a duplicate. Changes older than
 * the window are forgotten: the API is never asked for them again.
 */
public final class RecentChanges {
  private static final Logger LOG = LoggerFactory.getLogger(RecentChanges.class);

  /** One version of one activity. */
  public record Version(String activityId, Instant updatedAt) {
    public static Version of(LearnerActivity record) {
      return new Version(record.getActivityId(), record.getUpdatedAt());
    }
  }

  private final Set<Version> versions = new HashSet<>();
  // In the order written; forgetting pops from the head, so a late version waits its turn.
  private final ArrayDeque<Version> written = new ArrayDeque<>();

  public boolean contains(Version version) {
    return versions.contains(version);
  }

  /** Remembers the versions of a committed page. */
  public void addAll(Collection<Version> committed) {
    for (Version v : committed) {
      if (versions.add(v)) {
        written.addLast(v);
      }
    }
  }

  /** Forgets the versions written before any still at or after {@code floor}. */
  public void forgetBefore(Instant floor) {
    while (!written.isEmpty() && written.peekFirst().updatedAt().isBefore(floor)) {
      versions.remove(written.pollFirst());
    }
  }

  public int size() {
    return versions.size();
  }

  /**
   * The versions at or after {@code floor} that an earlier poller already wrote, read back from the
   * end of the raw topic (read_committed), so a restart does not write the window a second time.
   * Each partition is read backwards in growing steps until a step holds nothing newer than {@code
   * floor - margin} (the raw topic is in write order, and writes go back in time by at most the
   * look-back). At most {@code maxRecords} are read; past that the rest of the window may be
   * written once more, which the warehouse's MERGE absorbs.
   */
  public static RecentChanges restore(
      Consumer<String, IndexedRecord> consumer,
      String rawTopic,
      Instant floor,
      Duration margin,
      long maxRecords,
      Duration timeout) {
    RecentChanges recent = new RecentChanges();
    List<TopicPartition> partitions =
        consumer.partitionsFor(rawTopic, timeout).stream()
            .map(p -> new TopicPartition(rawTopic, p.partition()))
            .toList();
    if (partitions.isEmpty()) {
      return recent;
    }
    consumer.assign(partitions);
    Map<TopicPartition, Long> begin = consumer.beginningOffsets(partitions, timeout);
    Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
    Instant stopBelow = floor.minus(margin);
    Map<TopicPartition, Long> until = new HashMap<>(end);
    Map<TopicPartition, Long> step = new HashMap<>();
    partitions.forEach(tp -> step.put(tp, 1_000L));
    List<Version> found = new ArrayList<>();
    long read = 0;
    Set<TopicPartition> open = new HashSet<>(partitions);
    open.removeIf(tp -> until.get(tp) <= begin.get(tp));
    while (!open.isEmpty() && read < maxRecords) {
      for (TopicPartition tp : List.copyOf(open)) {
        long to = until.get(tp);
        long from = Math.max(begin.get(tp), to - step.get(tp));
        boolean[] anyRecent = {false};
        consumer.pause(partitions);
        consumer.resume(List.of(tp));
        consumer.seek(tp, from);
        long[] readHere = {0};
        TopicReader.readUpTo(
            consumer,
            Map.of(tp, to),
            timeout,
            "the end of raw topic " + rawTopic,
            r -> {
              if (!(r.value() instanceof LearnerActivity activity)) {
                return;
              }
              readHere[0]++;
              if (!activity.getUpdatedAt().isBefore(stopBelow)) {
                anyRecent[0] = true;
              }
              if (!activity.getUpdatedAt().isBefore(floor)) {
                found.add(Version.of(activity));
              }
            });
        read += readHere[0];
        until.put(tp, from);
        step.put(tp, step.get(tp) * 2);
        // A stretch with no committed change at all (an aborted transaction, markers) says
        // nothing about the window: only one whose changes are all older ends the partition.
        if ((readHere[0] > 0 && !anyRecent[0]) || from <= begin.get(tp)) {
          open.remove(tp);
        }
      }
    }
    if (!open.isEmpty()) {
      LOG.warn(
          "look-back restore read its limit of {} records from {} without reaching the window's"
              + " start; changes of the window that were written before may be written once more"
              + " (the warehouse's MERGE keeps one)",
          maxRecords,
          rawTopic);
    }
    found.sort(Comparator.comparing(Version::updatedAt));
    recent.addAll(found);
    LOG.info(
        "look-back: {} change(s) at or after {} already in {} (read {} records back)",
        recent.size(),
        floor,
        rawTopic,
        read);
    return recent;
  }
}
