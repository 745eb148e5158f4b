package io.lmsingest.poller;

import static org.assertj.core.api.Assertions.assertThat;

import io.lmsingest.kit.config.CommonKeys;
import io.lmsingest.poller.config.PollerConfig;
import io.lmsingest.testkit.IntegrationTest;
import io.lmsingest.testkit.KafkaFixture;
import io.lmsingest.testkit.RegistryFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The topics a service creates carry the retention, replication and min.insync of its config. */
@IntegrationTest
class TopicSettingsIT {
  @Test
  void createdTopicsTakeRetentionReplicationAndMinInsyncFromTheConfig(
      KafkaFixture kafka, RegistryFixture registry, @TempDir Path dir) throws Exception {
    String source = "topics-" + System.nanoTime();
    Map<String, String> values =
        PollerIT.config(
            kafka,
            registry,
            "http://127.0.0.1:9/v1/activities", // never called: the app is only created
            Files.writeString(dir.resolve("api-key"), "key-" + System.nanoTime()),
            source);
    values.put(CommonKeys.TOPICS_REPLICATION_FACTOR, "1");
    values.put(CommonKeys.TOPICS_MIN_INSYNC_REPLICAS, "1");
    values.put(CommonKeys.TOPICS_RETENTION_MS, "3600000");
    values.put(CommonKeys.TOPICS_DLQ_RETENTION_MS, "-1");
    values.put(PollerConfig.DLQ_TOPIC, "dlq-" + source);
    PollerApp.create(new PollerConfig(values), Clock.systemUTC()).close();

    String raw = values.get(PollerConfig.RAW_TOPIC);
    String cursor = values.get(PollerConfig.CURSOR_TOPIC);
    String dlq = values.get(PollerConfig.DLQ_TOPIC);
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      Map<ConfigResource, Config> configs =
          admin
              .describeConfigs(
                  List.of(
                      new ConfigResource(ConfigResource.Type.TOPIC, raw),
                      new ConfigResource(ConfigResource.Type.TOPIC, cursor),
                      new ConfigResource(ConfigResource.Type.TOPIC, dlq)))
              .all()
              .get();
      Config rawConfig = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, raw));
      assertThat(rawConfig.get("retention.ms").value()).isEqualTo("3600000");
      assertThat(rawConfig.get("min.insync.replicas").value()).isEqualTo("1");
      assertThat(rawConfig.get("min.insync.replicas").isDefault()).as("set explicitly").isFalse();
      Config cursorConfig = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, cursor));
      assertThat(cursorConfig.get("cleanup.policy").value()).isEqualTo("compact");
      Config dlqConfig = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, dlq));
      assertThat(dlqConfig.get("retention.ms").value()).isEqualTo("-1");
      assertThat(
              admin
                  .describeTopics(List.of(raw))
                  .allTopicNames()
                  .get()
                  .get(raw)
                  .partitions()
                  .get(0)
                  .replicas())
          .hasSize(1);
    }
  }
}
