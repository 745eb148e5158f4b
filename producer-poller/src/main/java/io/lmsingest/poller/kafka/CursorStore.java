package io.lmsingest.poller.kafka;

import io.lmsingest.schemas.PollerCursor;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.generic.IndexedRecord;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads a source's last committed cursor from the compacted cursor topic. The consumer must be
 * read_committed, and the producer's {@code initTransactions()} must have run first, so a page
 * transaction left open by a crashed poller is aborted before its cursor could be seen.
 */
public final class CursorStore {
  private CursorStore() {}

  public static Optional<PollerCursor> latest(
      Consumer<String, IndexedRecord> consumer, String topic, String source, Duration timeout) {
    List<TopicPartition> partitions =
        consumer.partitionsFor(topic, timeout).stream()
            .map(p -> new TopicPartition(topic, p.partition()))
            .toList();
    if (partitions.isEmpty()) {
      throw new IllegalStateException("cursor topic " + topic + " does not exist");
    }
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
    PollerCursor latest = null;
    long deadline = System.nanoTime() + timeout.toNanos();
    while (partitions.stream().anyMatch(tp -> consumer.position(tp, timeout) < end.get(tp))) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "could not read cursor topic " + topic + " to its end within " + timeout);
      }
      for (ConsumerRecord<String, IndexedRecord> record : consumer.poll(Duration.ofMillis(200))) {
        if (source.equals(record.key())) {
          latest = record.value() == null ? null : (PollerCursor) record.value();
        }
      }
    }
    return Optional.ofNullable(latest);
  }
}
