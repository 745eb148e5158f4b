package io.lmsingest.sink.upload;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.KafkaException;

/**
 * The Kafka topic id of the sink's input topic, asked for once (at the first upload: the topic
 * exists by then, whereas at start the validator may not have created it yet).
 */
public final class TopicIncarnation implements Supplier<String> {
  private final Map<String, Object> kafka;
  private final String topic;
  private volatile String id;

  public TopicIncarnation(Map<String, Object> kafka, String topic) {
    this.kafka = kafka;
    this.topic = topic;
  }

  @Override
  public String get() {
    String known = id;
    if (known != null) {
      return known;
    }
    try (Admin admin = Admin.create(kafka)) {
      known =
          admin
              .describeTopics(List.of(topic))
              .allTopicNames()
              .get(30, TimeUnit.SECONDS)
              .get(topic)
              .topicId()
              .toString();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaException("interrupted while reading the topic id of " + topic, e);
    } catch (Exception e) {
      // A KafkaException: the sink backs off and retries as for any Kafka failure.
      throw new KafkaException("could not read the topic id of " + topic + ": " + e, e);
    }
    id = known;
    return known;
  }
}
