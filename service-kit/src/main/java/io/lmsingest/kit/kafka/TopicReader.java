package io.lmsingest.kit.kafka;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads a topic, or a range of it, to an end fixed before the first poll: state kept in a topic
 * (cursors, look-back versions, a redrive ledger) is restored this way, and a topic that keeps
 * growing still ends.
 */
public final class TopicReader {
  private TopicReader() {}

  /**
   * Every record of every partition of {@code topic}, from the beginning to the end it has now, to
   * {@code visitor}. False when the topic has no partitions (it does not exist).
   *
   * @throws IllegalStateException when the end is not reached within {@code timeout}
   */
  public static <K, V> boolean readAll(
      Consumer<K, V> consumer,
      String topic,
      Duration timeout,
      java.util.function.Consumer<ConsumerRecord<K, V>> visitor) {
    List<TopicPartition> partitions =
        consumer.partitionsFor(topic, timeout).stream()
            .map(p -> new TopicPartition(topic, p.partition()))
            .toList();
    if (partitions.isEmpty()) {
      return false;
    }
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    readUpTo(consumer, consumer.endOffsets(partitions, timeout), timeout, topic, visitor);
    return true;
  }

  /**
   * Polls the consumer's assigned partitions from where they stand and hands {@code visitor} each
   * record below its partition's offset in {@code until} (the partitions must be assigned and
   * positioned, the others paused).
   *
   * @param what names what is read, for the timeout's message
   * @throws IllegalStateException when {@code until} is not reached within {@code timeout}
   */
  public static <K, V> void readUpTo(
      Consumer<K, V> consumer,
      Map<TopicPartition, Long> until,
      Duration timeout,
      String what,
      java.util.function.Consumer<ConsumerRecord<K, V>> visitor) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (until.entrySet().stream()
        .anyMatch(e -> consumer.position(e.getKey(), timeout) < e.getValue())) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("could not read " + what + " to its end within " + timeout);
      }
      for (ConsumerRecord<K, V> record : consumer.poll(Duration.ofMillis(200))) {
        Long end = until.get(new TopicPartition(record.topic(), record.partition()));
        if (end != null && record.offset() < end) {
          visitor.accept(record);
        }
      }
    }
  }
}
