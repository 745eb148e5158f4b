package io.lmsingest.kit.kafka;

import io.lmsingest.kit.config.CommonKeys;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.TopicConfig;

/**
 * How a service creates a missing topic: the partitions its own config says, and replication,
 * {@code min.insync.replicas} and retention from the shared {@code topics.*} keys, so nothing
 * depends on what the broker's defaults happen to be. A topic that exists is left as it is.
 */
public record TopicSettings(
    Optional<Short> replicationFactor,
    Optional<Integer> minInsyncReplicas,
    long retentionMs,
    long dlqRetentionMs) {

  public static TopicSettings of(AbstractConfig config) {
    short replication = config.getShort(CommonKeys.TOPICS_REPLICATION_FACTOR);
    int minInsync = config.getInt(CommonKeys.TOPICS_MIN_INSYNC_REPLICAS);
    return new TopicSettings(
        replication < 0 ? Optional.empty() : Optional.of(replication),
        minInsync < 0 ? Optional.empty() : Optional.of(minInsync),
        config.getLong(CommonKeys.TOPICS_RETENTION_MS),
        config.getLong(CommonKeys.TOPICS_DLQ_RETENTION_MS));
  }

  /** A topic of records kept for {@code topics.retention.ms} (raw, v1, manifests). */
  public NewTopic retained(String name, Optional<Integer> partitions) {
    return topic(name, partitions, Map.of(TopicConfig.RETENTION_MS_CONFIG, retentionMs + ""));
  }

  /** A dead-letter topic, kept for {@code topics.dlq.retention.ms} (until redriven). */
  public NewTopic deadLetters(String name, Optional<Integer> partitions) {
    return topic(name, partitions, Map.of(TopicConfig.RETENTION_MS_CONFIG, dlqRetentionMs + ""));
  }

  /** A compacted topic: the latest record per key is kept for ever (the poller's cursor). */
  public NewTopic compacted(String name, Optional<Integer> partitions) {
    return topic(
        name,
        partitions,
        Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
  }

  private NewTopic topic(String name, Optional<Integer> partitions, Map<String, String> own) {
    Map<String, String> configs = new HashMap<>(own);
    minInsyncReplicas.ifPresent(
        n -> configs.put(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, Integer.toString(n)));
    return new NewTopic(name, partitions, replicationFactor).configs(configs);
  }
}
