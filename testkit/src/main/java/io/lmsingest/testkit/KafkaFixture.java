package io.lmsingest.testkit;

import io.lmsingest.kit.kafka.GroupLag;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/** A real single-node KRaft broker in the test JVM (Kafka's own KafkaClusterTestKit). */
public final class KafkaFixture implements AutoCloseable {
  private final KafkaClusterTestKit cluster;
  private final Admin admin;

  private KafkaFixture(KafkaClusterTestKit cluster) {
    this.cluster = cluster;
    this.admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers()));
  }

  static KafkaFixture start() {
    try {
      // Default bootstrap metadata on purpose: pinning only the metadata version drops the feature
      // records, and the consumer/streams group protocols then fail with UNSUPPORTED_VERSION.
      KafkaClusterTestKit cluster =
          new KafkaClusterTestKit.Builder(
                  new TestKitNodes.Builder()
                      .setCombined(true)
                      .setNumBrokerNodes(1)
                      .setNumControllerNodes(1)
                      .build())
              .setConfigProp("group.initial.rebalance.delay.ms", "0")
              .setConfigProp("offsets.topic.replication.factor", "1")
              .setConfigProp("transaction.state.log.replication.factor", "1")
              .setConfigProp("transaction.state.log.min.isr", "1")
              .setConfigProp("auto.create.topics.enable", "false")
              .build();
      cluster.format();
      cluster.startup();
      cluster.waitForReadyBrokers();
      return new KafkaFixture(cluster);
    } catch (Exception e) {
      throw new IllegalStateException("in-JVM Kafka broker did not start: " + e, e);
    }
  }

  public String bootstrapServers() {
    return cluster.bootstrapServers();
  }

  public Admin admin() {
    return admin;
  }

  /** Creates a topic with a unique name starting with {@code prefix} and returns the name. */
  public String createTopic(String prefix, int partitions) {
    return createTopic(prefix, partitions, Map.of());
  }

  public String createTopic(String prefix, int partitions, Map<String, String> configs) {
    String name = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    try {
      admin
          .createTopics(List.of(new NewTopic(name, partitions, (short) 1).configs(configs)))
          .all()
          .get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "cannot create topic " + name + ": " + e.getCause(), e.getCause());
    }
    return name;
  }

  public Map<String, Object> producerConfig() {
    Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    return config;
  }

  /** Config of a consumer in a fresh group that reads committed data from the beginning. */
  public Map<String, Object> consumerConfig() {
    Map<String, Object> config = new HashMap<>();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    config.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    return config;
  }

  /** The group has committed to the end of every partition of the topic (see {@link GroupLag}). */
  public boolean isCaughtUp(String group, String topic) throws InterruptedException {
    return GroupLag.caughtUp(admin, group, topic);
  }

  /**
   * Waits until {@code group} has committed offsets at the end of every partition of {@code topic}.
   */
  public void awaitCommittedToEnd(String group, String topic, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!isCaughtUp(group, topic)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "group "
                + group
                + " did not commit to the end of "
                + topic
                + " within "
                + timeout
                + ": committed "
                + admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get()
                + ", ends "
                + GroupLag.endOffsets(admin, topic));
      }
      Thread.sleep(250);
    }
  }

  @Override
  public void close() throws Exception {
    admin.close();
    cluster.close();
  }
}
