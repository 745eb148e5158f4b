package io.lmsingest.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.lmsingest.testkit.IntegrationTest;
import io.lmsingest.testkit.KafkaFixture;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

@IntegrationTest
class ReplaySinkIT {
  @Test
  void refusesWhileTheGroupHasMembersThenResetsEveryPartition(KafkaFixture kafka) throws Exception {
    String topic = kafka.createTopic("v1", 3);
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(
            kafka.producerConfig(), new StringSerializer(), new StringSerializer())) {
      for (int i = 0; i < 300; i++) {
        producer.send(new ProducerRecord<>(topic, "k" + i, "v"));
      }
    }
    Map<String, Object> config = new HashMap<>(kafka.consumerConfig());
    config.put(ConsumerConfig.GROUP_ID_CONFIG, "sink-under-replay");
    KafkaConsumer<String, String> member =
        new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer());
    member.subscribe(List.of(topic));
    int read = 0;
    while (read < 300) {
      read += member.poll(Duration.ofMillis(500)).count();
    }
    member.commitSync();

    String[] replay = {
      "replay",
      "sink",
      "--to-earliest",
      "--bootstrap-servers",
      kafka.bootstrapServers(),
      "--group",
      "sink-under-replay",
      "--topic",
      topic
    };
    StringWriter err = new StringWriter();
    CommandLine refused = LmsIngest.commandLine();
    refused.setErr(new PrintWriter(err, true));
    assertThat(refused.execute(replay)).isEqualTo(1);
    assertThat(err.toString())
        .contains("group sink-under-replay is active (1 member(s)")
        .contains("stop the sink first");

    member.close();
    StringWriter out = new StringWriter();
    CommandLine cli = LmsIngest.commandLine();
    cli.setOut(new PrintWriter(out, true));
    assertThat(cli.execute(replay)).isZero();
    var offsets =
        kafka
            .admin()
            .listConsumerGroupOffsets("sink-under-replay")
            .partitionsToOffsetAndMetadata()
            .get();
    for (int p = 0; p < 3; p++) {
      assertThat(offsets.get(new TopicPartition(topic, p)).offset()).isZero();
    }
    assertThat(out.toString()).contains(topic + "-0 -> 0");
  }
}
