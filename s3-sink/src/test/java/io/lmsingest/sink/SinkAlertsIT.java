package io.lmsingest.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.lmsingest.localstack.LocalS3Server;
import io.lmsingest.localstack.Ports;
import io.lmsingest.testkit.AlertReceivers;
import io.lmsingest.testkit.AwsApiFixture;
import io.lmsingest.testkit.IntegrationTest;
import io.lmsingest.testkit.KafkaFixture;
import io.lmsingest.testkit.RegistryFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The S3 server dies under a running sink: exactly one alert reaches Slack and SNS (read back
 * through an SQS queue on the moto server), and one "resolved" once S3 is back and files are
 * durable again. Neither carries a secret or a learner id.
 */
@IntegrationTest
class SinkAlertsIT {
  @Test
  void anS3OutageAlertsOnceOnEveryChannelAndResolvesOnce(
      KafkaFixture kafka, RegistryFixture registry, AwsApiFixture aws, @TempDir Path dir)
      throws Exception {
    String topic = kafka.createTopic("v1-alerts", 2);
    String group = "sink-alerts-" + UUID.randomUUID();
    String s3Secret = LocalS3Server.randomHex(20);
    int port = Ports.free();
    Path store = dir.resolve("s3");
    LocalS3Server s3 = LocalS3Server.start(Optional.of(store), port, "alerts-key", s3Secret);
    try (AlertReceivers receivers = new AlertReceivers(aws, dir)) {
      try (var client = s3.endpoint().newClient()) {
        client.createBucket(b -> b.bucket("lms-bronze"));
      }
      Map<String, Object> values = new HashMap<>();
      values.put(SinkConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
      values.put(SinkConfig.REGISTRY_URL, registry.url());
      values.put(SinkConfig.GROUP_ID, group);
      values.put(SinkConfig.TOPIC, topic);
      values.put(SinkConfig.MANIFEST_TOPIC, "manifests-" + group);
      values.put(SinkConfig.BUCKET, "lms-bronze");
      values.put(SinkConfig.ENDPOINT, s3.endpoint().uri().toString());
      values.put(SinkConfig.PATH_STYLE, "true");
      values.put(
          SinkConfig.ACCESS_KEY_ID, "file:" + Files.writeString(dir.resolve("id"), "alerts-key"));
      values.put(
          SinkConfig.SECRET_ACCESS_KEY,
          "file:" + Files.writeString(dir.resolve("secret"), s3Secret));
      values.put(SinkConfig.STAGING_DIR, dir.resolve("staging").toString());
      values.put(SinkConfig.MAX_AGE_MS, "500");
      values.putAll(receivers.config());
      values.put("kafka.request.timeout.ms", "10000");

      BronzeAudit.fillV1(kafka, registry, topic, 5_000, 61);
      BronzeSink sink = SinkApp.create(new SinkConfig(values), Clock.systemUTC());
      Thread thread = new Thread(sink::run, "sink-alerts");
      thread.start();
      try {
        kafka.awaitCommittedToEnd(group, topic, Duration.ofMinutes(2));
        assertThat(receivers.slack()).as("no alert while S3 works").isEmpty();

        s3.close(); // the S3 server is gone
        BronzeAudit.fillV1(kafka, registry, topic, 5_000, 62);
        List<String> slackBodies = await(receivers::slack, 1, Duration.ofSeconds(90));
        assertThat(slackBodies.get(0))
            .contains("[FIRING] lms-ingest sink: the sink cannot make Bronze files durable");
        assertThat(sink.readiness().isReady()).isFalse();

        s3 =
            LocalS3Server.start(
                Optional.of(store), port, "alerts-key", s3Secret); // back, same data
        kafka.awaitCommittedToEnd(group, topic, Duration.ofMinutes(2));
        slackBodies = await(receivers::slack, 2, Duration.ofSeconds(30));
        assertThat(slackBodies.get(1))
            .contains("[RESOLVED] lms-ingest sink: the sink cannot make Bronze files durable");
        Thread.sleep(2_000); // nothing more may arrive
        assertThat(receivers.slack()).hasSize(2);

        List<String> snsMessages = receivers.sns();
        assertThat(snsMessages).hasSize(2);
        assertThat(snsMessages.get(0)).contains("[FIRING]").contains("what to do: check S3");
        assertThat(snsMessages.get(1)).contains("[RESOLVED]");
        for (String message : concat(receivers.slack(), snsMessages)) {
          assertThat(message)
              .doesNotContain(s3Secret)
              .doesNotContain(receivers.webhookSecret())
              .doesNotContainPattern("lrn_[0-9]");
        }
      } finally {
        sink.stop();
        thread.join(30_000);
        sink.close();
      }
    } finally {
      s3.close();
    }
  }

  static List<String> await(Supplier<List<String>> received, int n, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (received.get().size() < n) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "expected " + n + " alert(s) within " + timeout + ", got " + received.get());
      }
      Thread.sleep(100);
    }
    return received.get();
  }

  static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
