package io.lmsingest.stack;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Resets a consumer group's committed offsets on one topic through the Admin API — what Kafka's
 * {@code kafka-consumer-groups.sh --reset-offsets --execute} does, except that it refuses an active
 * group (Kafka's tool prints an error there and still exits 0).
 */
public final class GroupOffsetReset {
  private GroupOffsetReset() {}

  /** The group has members: stop them first. */
  public static final class GroupActiveException extends Exception {
    public GroupActiveException(String message) {
      super(message);
    }
  }

  /**
   * Moves {@code group} on {@code topic} to the first offset at or after {@code datetime} in each
   * partition (the end where there is none), or to the beginning when {@code datetime} is empty.
   * Returns the new offsets in partition order.
   */
  public static Map<TopicPartition, Long> reset(
      Admin admin, String group, String topic, Optional<Instant> datetime)
      throws GroupActiveException, ExecutionException, InterruptedException {
    var description = admin.describeConsumerGroups(List.of(group)).all().get().get(group);
    if (!description.members().isEmpty()) {
      throw new GroupActiveException(
          "group "
              + group
              + " is active ("
              + description.members().size()
              + " member(s), state "
              + description.groupState()
              + ")");
    }
    var partitions =
        admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions();
    Map<TopicPartition, OffsetSpec> specs =
        partitions.stream()
            .collect(
                Collectors.toMap(
                    p -> new TopicPartition(topic, p.partition()),
                    p ->
                        datetime
                            .map(t -> OffsetSpec.forTimestamp(t.toEpochMilli()))
                            .orElse(OffsetSpec.earliest())));
    var found = admin.listOffsets(specs).all().get();
    var ends =
        admin
            .listOffsets(
                specs.keySet().stream()
                    .collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest())))
            .all()
            .get();
    Map<TopicPartition, OffsetAndMetadata> reset =
        new TreeMap<>(Comparator.comparingInt(TopicPartition::partition));
    found.forEach(
        (tp, info) ->
            reset.put(
                tp,
                new OffsetAndMetadata(info.offset() < 0 ? ends.get(tp).offset() : info.offset())));
    admin.alterConsumerGroupOffsets(group, reset).all().get();
    Map<TopicPartition, Long> offsets =
        new TreeMap<>(Comparator.comparingInt(TopicPartition::partition));
    reset.forEach((tp, offset) -> offsets.put(tp, offset.offset()));
    return offsets;
  }
}
