package io.lmsingest.validator.redrive;

import io.lmsingest.kit.kafka.TopicBootstrap;
import io.lmsingest.kit.kafka.TopicReader;
import io.lmsingest.schemas.DlqHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-publishes chosen DLQ records to the topic they were rejected from, once the cause is fixed
 * (the registry is back, a rule was relaxed), exactly once: each record goes out in a transaction
 * together with a row of a compacted ledger topic keyed by its DLQ coordinates, and a record whose
 * coordinates are in the ledger is never sent again, whatever the selection of a later run. The
 * record keeps its key, bytes and original headers; the {@code lms.dlq.*} headers are replaced by
 * {@code lms.redriven.from}. The poller's rejects (an API record's JSON, not Avro) cannot go back
 * to the raw topic and are reported instead.
 */
public final class DlqRedrive {
  private static final Logger LOG = LoggerFactory.getLogger(DlqRedrive.class);
  private static final int PER_TRANSACTION = 500;

  /** What a run found and did. */
  public record Report(
      long selected,
      long redriven,
      long alreadyRedriven,
      Map<String, Long> redrivenByRule,
      Map<String, Long> notRedrivable) {}

  private DlqRedrive() {}

  /**
   * @param kafka client settings (bootstrap servers, security)
   * @param dryRun count what would be redriven; write nothing (not even the ledger topic)
   */
  public static Report run(
      Map<String, Object> kafka,
      String dlqTopic,
      String ledgerTopic,
      RedriveSelection selection,
      boolean dryRun,
      Duration timeout)
      throws Exception {
    if (!dryRun) {
      TopicBootstrap.ensure(
          kafka,
          List.of(
              new NewTopic(ledgerTopic, Optional.of(1), Optional.empty())
                  .configs(
                      Map.of(
                          TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT))));
    }
    Map<String, Object> consumerConfig = new HashMap<>(kafka);
    consumerConfig.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    consumerConfig.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(
            consumerConfig, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      Map<String, Object> producerConfig = new HashMap<>(kafka);
      producerConfig.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "lms-redrive-" + dlqTopic);
      producerConfig.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
      producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
      try (KafkaProducer<byte[], byte[]> producer =
          dryRun
              ? null
              : new KafkaProducer<>(
                  producerConfig, new ByteArraySerializer(), new ByteArraySerializer())) {
        if (producer != null) {
          // Fences an earlier redrive still running and aborts what it left open, so the ledger
          // read next holds every record really redriven.
          producer.initTransactions();
        }
        Set<String> done = ledger(consumer, ledgerTopic, timeout);
        return redrive(consumer, producer, dlqTopic, ledgerTopic, selection, done, timeout);
      }
    }
  }

  private static Report redrive(
      KafkaConsumer<byte[], byte[]> consumer,
      KafkaProducer<byte[], byte[]> producer,
      String dlqTopic,
      String ledgerTopic,
      RedriveSelection selection,
      Set<String> done,
      Duration timeout) {
    List<TopicPartition> partitions =
        consumer.partitionsFor(dlqTopic, timeout).stream()
            .filter(p -> selection.covers(p.partition()))
            .map(p -> new TopicPartition(dlqTopic, p.partition()))
            .toList();
    if (partitions.isEmpty()) {
      throw new IllegalArgumentException("no partition of " + dlqTopic + " matches the selection");
    }
    Map<TopicPartition, Long> begin = consumer.beginningOffsets(partitions, timeout);
    Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
    long selected = 0;
    long redriven = 0;
    long already = 0;
    Map<String, Long> byRule = new TreeMap<>();
    Map<String, Long> refused = new TreeMap<>();
    int inTransaction = 0;
    for (TopicPartition tp : partitions) {
      long from = Math.max(begin.get(tp), selection.fromOffset().orElse(0));
      long until = Math.min(end.get(tp), selection.toOffset().orElse(Long.MAX_VALUE - 1) + 1);
      if (from >= until) {
        continue;
      }
      consumer.assign(List.of(tp));
      consumer.seek(tp, from);
      long deadline = System.nanoTime() + timeout.toNanos();
      while (consumer.position(tp, timeout) < until) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("could not read " + tp + " within " + timeout);
        }
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          if (r.offset() >= until) {
            continue;
          }
          Optional<String> rule = header(r, DlqHeaders.RULE);
          if (!selection.selects(r.offset(), rule)) {
            continue;
          }
          selected++;
          String coordinates = dlqTopic + "/" + r.partition() + "/" + r.offset();
          if (done.contains(coordinates)) {
            already++;
            continue;
          }
          Optional<String> source = header(r, DlqHeaders.SOURCE_TOPIC);
          if (source.isEmpty() || source.get().startsWith("lms-api:")) {
            refused.merge(
                source.isEmpty()
                    ? "no " + DlqHeaders.SOURCE_TOPIC + " header"
                    : "rejected by the poller (the API's JSON, not a raw record): fix it in the"
                        + " LMS, the poller reads a changed record again",
                1L,
                Long::sum);
            continue;
          }
          byRule.merge(rule.orElse("(none)"), 1L, Long::sum);
          redriven++;
          if (producer == null) {
            continue; // dry run
          }
          if (inTransaction == 0) {
            producer.beginTransaction();
          }
          producer.send(
              new ProducerRecord<>(
                  source.get(), null, r.key(), r.value(), headers(r, coordinates)));
          producer.send(
              new ProducerRecord<>(
                  ledgerTopic,
                  coordinates.getBytes(StandardCharsets.UTF_8),
                  source.get().getBytes(StandardCharsets.UTF_8)));
          done.add(coordinates);
          if (++inTransaction >= PER_TRANSACTION) {
            producer.commitTransaction();
            inTransaction = 0;
          }
        }
      }
    }
    if (producer != null && inTransaction > 0) {
      producer.commitTransaction();
    }
    LOG.info(
        "redrive of {}: {} selected, {} redriven{}, {} already redriven before, not redrivable {}",
        dlqTopic,
        selected,
        redriven,
        producer == null ? " (dry run: nothing written)" : "",
        already,
        refused);
    return new Report(selected, redriven, already, byRule, refused);
  }

  /** The DLQ coordinates already redriven, read to the end of the ledger topic. */
  private static Set<String> ledger(
      KafkaConsumer<byte[], byte[]> consumer, String ledgerTopic, Duration timeout) {
    Set<String> done = new HashSet<>();
    // No ledger topic yet: a dry run before any redrive.
    TopicReader.readAll(
        consumer, ledgerTopic, timeout, r -> done.add(new String(r.key(), StandardCharsets.UTF_8)));
    return done;
  }

  private static List<Header> headers(ConsumerRecord<byte[], byte[]> r, String coordinates) {
    List<Header> headers = new ArrayList<>();
    for (Header h : r.headers()) {
      if (!h.key().startsWith("lms.dlq.")) {
        headers.add(h);
      }
    }
    headers.add(
        new RecordHeader(DlqHeaders.REDRIVEN_FROM, coordinates.getBytes(StandardCharsets.UTF_8)));
    return headers;
  }

  private static Optional<String> header(ConsumerRecord<byte[], byte[]> r, String name) {
    Header h = r.headers().lastHeader(name);
    return h == null
        ? Optional.empty()
        : Optional.of(new String(h.value(), StandardCharsets.UTF_8));
  }
}
