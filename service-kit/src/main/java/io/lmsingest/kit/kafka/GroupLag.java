package io.lmsingest.kit.kafka;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * How far a consumer group's committed offsets are behind the end of a topic — the one lag check
 * the launcher, the benchmarks and the tests share. Unknown (empty) while the topic does not exist
 * or a partition that holds data has no committed offset yet.
 */
public final class GroupLag {
  private GroupLag() {}

  /**
   * Records between {@code group}'s committed offsets and the end of {@code topic}, or empty while
   * unknown.
   */
  public static OptionalLong of(Admin admin, String group, String topic)
      throws InterruptedException {
    try {
      Map<TopicPartition, OffsetAndMetadata> committed =
          admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
      long lag = 0;
      for (Map.Entry<TopicPartition, Long> end : endOffsets(admin, topic).entrySet()) {
        OffsetAndMetadata offset = committed.get(end.getKey());
        if (offset == null) {
          if (end.getValue() > 0) {
            return OptionalLong.empty();
          }
          continue;
        }
        lag += Math.max(0, end.getValue() - offset.offset());
      }
      return OptionalLong.of(lag);
    } catch (ExecutionException e) {
      return OptionalLong.empty(); // the topic or the group does not exist yet
    }
  }

  /** The group has committed to the end of every partition of the topic. */
  public static boolean caughtUp(Admin admin, String group, String topic)
      throws InterruptedException {
    OptionalLong lag = of(admin, group, topic);
    return lag.isPresent() && lag.getAsLong() == 0;
  }

  /**
   * Records {@code group} still has to read on {@code topic}, counting a partition it never
   * committed from its earliest offset (a new or stuck group is behind by all of it); empty while
   * the topic does not exist.
   */
  public static OptionalLong behind(Admin admin, String group, String topic)
      throws InterruptedException {
    try {
      Map<TopicPartition, OffsetAndMetadata> committed =
          admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
      Map<TopicPartition, Long> ends = endOffsets(admin, topic);
      Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
      ends.keySet().forEach(tp -> earliest.put(tp, OffsetSpec.earliest()));
      var starts = admin.listOffsets(earliest).all().get();
      long behind = 0;
      for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
        OffsetAndMetadata offset = committed.get(end.getKey());
        long from = offset != null ? offset.offset() : starts.get(end.getKey()).offset();
        behind += Math.max(0, end.getValue() - from);
      }
      return OptionalLong.of(behind);
    } catch (ExecutionException e) {
      return OptionalLong.empty();
    }
  }

  /** Offsets {@code from} to {@code to - 1} of a partition, deleted before a group read them. */
  public record Gap(TopicPartition partition, long from, long to) {
    public long offsets() {
      return to - from;
    }

    @Override
    public String toString() {
      return partition + " offsets " + from + ".." + (to - 1);
    }
  }

  /**
   * Where {@code group}'s committed offset on a partition of {@code topic} is older than the
   * partition's first offset: retention (or a deleteRecords) removed what lies between before the
   * group read it, and a consumer that resets to the earliest offset would pass over it in silence.
   * Empty for a group that never committed and for a topic that does not exist.
   */
  public static List<Gap> expired(Admin admin, String group, String topic)
      throws ExecutionException, InterruptedException {
    Map<TopicPartition, OffsetAndMetadata> committed =
        admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
    Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
    committed.keySet().stream()
        .filter(tp -> tp.topic().equals(topic))
        .forEach(tp -> earliest.put(tp, OffsetSpec.earliest()));
    if (earliest.isEmpty()) {
      return List.of();
    }
    List<Gap> gaps = new ArrayList<>();
    try {
      admin
          .listOffsets(earliest)
          .all()
          .get()
          .forEach(
              (tp, first) -> {
                OffsetAndMetadata offset = committed.get(tp);
                if (offset != null && offset.offset() < first.offset()) {
                  gaps.add(new Gap(tp, offset.offset(), first.offset()));
                }
              });
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UnknownTopicOrPartitionException) {
        return List.of(); // deleted since the group committed: nothing left to read or skip
      }
      throw e;
    }
    gaps.sort(Comparator.comparing(Gap::toString));
    return gaps;
  }

  /** The end offset of every partition of {@code topic}. */
  public static Map<TopicPartition, Long> endOffsets(Admin admin, String topic)
      throws ExecutionException, InterruptedException {
    var partitions =
        admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions();
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    partitions.forEach(
        p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
    Map<TopicPartition, Long> ends = new HashMap<>();
    admin.listOffsets(latest).all().get().forEach((tp, info) -> ends.put(tp, info.offset()));
    return ends;
  }
}
