package io.lmsingest.testkit;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The same broker contract against Apache Kafka in a container. Skipped (JUnit reports it as
 * disabled because no Docker engine is available) on machines without Docker, such as this
 * project's CI; the in-JVM broker of {@link KafkaFixtureIT} covers it there.
 */
@Tag("integration")
@Testcontainers(disabledWithoutDocker = true)
class TestcontainersKafkaIT {
  @Container static final KafkaContainer KAFKA = new KafkaContainer("apache/kafka:4.1.1");

  @Test
  void containerBrokerSupportsTransactionsAndReadCommitted() throws Exception {
    String topic = "tc-" + UUID.randomUUID();
    try (var admin = Admin.create(Map.of("bootstrap.servers", KAFKA.getBootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
    }
    TransactionalRoundTrip.check(KAFKA.getBootstrapServers(), topic);
  }
}
