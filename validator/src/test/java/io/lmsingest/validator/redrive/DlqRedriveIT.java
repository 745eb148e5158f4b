package io.lmsingest.validator.redrive;

import static org.assertj.core.api.Assertions.assertThat;

import io.lmsingest.schemas.DlqHeaders;
import io.lmsingest.testkit.IntegrationTest;
import io.lmsingest.testkit.KafkaFixture;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * Redrive on a real broker: chosen DLQ records go back to their source topic with their bytes, each
 * once, whatever later runs select; the poller's rejects are reported, not sent.
 */
@IntegrationTest
class DlqRedriveIT {
  @Test
  void chosenRecordsGoBackToTheirSourceOnceAcrossRunsAndPollerRejectsAreReported(KafkaFixture kafka)
      throws Exception {
    String dlq = kafka.createTopic("dlq", 1);
    String raw = kafka.createTopic("raw", 1);
    String ledger = dlq + "-redriven";
    // DLQ offsets 0..4: three undecodable, one score_out_of_range, one poller reject.
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(
            kafka.producerConfig(), new ByteArraySerializer(), new ByteArraySerializer())) {
      for (int i = 0; i < 3; i++) {
        producer.send(dlqRecord(dlq, "u" + i, "undecodable", raw));
      }
      producer.send(dlqRecord(dlq, "s3", "score_out_of_range", raw));
      producer.send(dlqRecord(dlq, "p4", DlqHeaders.UNPARSABLE_RECORD, "lms-api:lms"));
    }
    Map<String, Object> client = Map.of("bootstrap.servers", kafka.bootstrapServers());
    RedriveSelection undecodable =
        new RedriveSelection(
            Set.of("undecodable"), OptionalInt.empty(), OptionalLong.empty(), OptionalLong.empty());

    DlqRedrive.Report dry =
        DlqRedrive.run(client, dlq, ledger, undecodable, true, Duration.ofSeconds(30));
    assertThat(dry.redriven()).isEqualTo(3);
    assertThat(read(kafka, raw)).as("a dry run writes nothing").isEmpty();

    DlqRedrive.Report first =
        DlqRedrive.run(client, dlq, ledger, undecodable, false, Duration.ofSeconds(30));
    assertThat(first.redriven()).isEqualTo(3);
    List<ConsumerRecord<byte[], byte[]>> back = read(kafka, raw);
    assertThat(back)
        .extracting(r -> new String(r.key(), StandardCharsets.UTF_8))
        .containsExactly("u0", "u1", "u2");
    assertThat(back.get(1).value()).isEqualTo("bytes of u1".getBytes(StandardCharsets.UTF_8));
    assertThat(back.get(1).headers().lastHeader("origin").value())
        .as("the record's own headers kept")
        .isEqualTo("lms".getBytes(StandardCharsets.UTF_8));
    assertThat(back.get(1).headers().lastHeader(DlqHeaders.RULE)).isNull();
    assertThat(
            new String(
                back.get(1).headers().lastHeader(DlqHeaders.REDRIVEN_FROM).value(),
                StandardCharsets.UTF_8))
        .isEqualTo(dlq + "/0/1");

    // The same selection again: nothing twice.
    DlqRedrive.Report again =
        DlqRedrive.run(client, dlq, ledger, undecodable, false, Duration.ofSeconds(30));
    assertThat(again.redriven()).isZero();
    assertThat(again.alreadyRedriven()).isEqualTo(3);

    // Everything from offset 1: the score breaker goes, the poller's reject is reported.
    DlqRedrive.Report rest =
        DlqRedrive.run(
            client,
            dlq,
            ledger,
            new RedriveSelection(
                Set.of(), OptionalInt.of(0), OptionalLong.of(1), OptionalLong.empty()),
            false,
            Duration.ofSeconds(30));
    assertThat(rest.selected()).isEqualTo(4);
    assertThat(rest.alreadyRedriven()).isEqualTo(2);
    assertThat(rest.redrivenByRule()).isEqualTo(Map.of("score_out_of_range", 1L));
    assertThat(rest.notRedrivable()).hasSize(1);
    assertThat(rest.notRedrivable().keySet().iterator().next()).contains("poller");
    assertThat(read(kafka, raw))
        .extracting(r -> new String(r.key(), StandardCharsets.UTF_8))
        .containsExactly("u0", "u1", "u2", "s3");
  }

  private static ProducerRecord<byte[], byte[]> dlqRecord(
      String dlq, String key, String rule, String source) {
    List<Header> headers = new ArrayList<>();
    headers.add(new RecordHeader("origin", "lms".getBytes(StandardCharsets.UTF_8)));
    headers.add(new RecordHeader(DlqHeaders.RULE, rule.getBytes(StandardCharsets.UTF_8)));
    headers.add(new RecordHeader(DlqHeaders.DETAIL, "why".getBytes(StandardCharsets.UTF_8)));
    headers.add(new RecordHeader(DlqHeaders.SOURCE_TOPIC, source.getBytes(StandardCharsets.UTF_8)));
    return new ProducerRecord<>(
        dlq,
        0,
        key.getBytes(StandardCharsets.UTF_8),
        ("bytes of " + key).getBytes(StandardCharsets.UTF_8),
        headers);
  }

  private static List<ConsumerRecord<byte[], byte[]>> read(KafkaFixture kafka, String topic) {
    Map<String, Object> config =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            kafka.bootstrapServers(),
            ConsumerConfig.ISOLATION_LEVEL_CONFIG,
            "read_committed");
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      TopicPartition tp = new TopicPartition(topic, 0);
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      int got;
      do {
        var records = consumer.poll(Duration.ofSeconds(2));
        got = records.count();
        records.forEach(out::add);
      } while (got > 0);
    }
    return out;
  }
}
