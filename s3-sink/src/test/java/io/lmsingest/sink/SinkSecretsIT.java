package io.lmsingest.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lmsingest.kit.runtime.Readiness;
import io.lmsingest.testkit.AwsApiFixture;
import io.lmsingest.testkit.IntegrationTest;
import io.lmsingest.testkit.KafkaFixture;
import io.lmsingest.testkit.RegistryFixture;
import io.lmsingest.testkit.S3Fixture;
import io.lmsingest.testkit.WarehouseFixture;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sink with its S3 keys in AWS Secrets Manager (a real Secrets Manager API: moto). */
@IntegrationTest
class SinkSecretsIT {
  @Test
  void theS3KeysComeFromAwsSecretsManagerAndTheSinkWritesBronze(
      KafkaFixture kafka,
      RegistryFixture registry,
      S3Fixture s3,
      AwsApiFixture secretsManager,
      WarehouseFixture warehouse,
      @TempDir Path dir)
      throws Exception {
    String topic = kafka.createTopic("v1", 3);
    String bucket = s3.newBucket();
    String group = "sink-sm-" + UUID.randomUUID();
    int records = 20_000;
    BronzeAudit.fillV1(kafka, registry, topic, records, 43);
    String keys =
        secretsManager.createSecret(
            "{\"access_key_id\":\""
                + s3.endpoint().accessKeyId()
                + "\",\"secret_access_key\":\""
                + s3.endpoint().secretAccessKey()
                + "\"}");

    Map<String, Object> values =
        config(kafka, registry, s3, secretsManager, bucket, topic, group, dir);
    values.put(SinkConfig.ACCESS_KEY_ID, keys + "#access_key_id");
    values.put(SinkConfig.SECRET_ACCESS_KEY, keys + "#secret_access_key");
    BronzeSink sink = SinkApp.create(new SinkConfig(values), Clock.systemUTC());
    assertThat(sink.readiness().isReady()).isFalse();
    Thread thread = new Thread(sink::run, "sink-secrets");
    thread.start();
    try {
      kafka.awaitCommittedToEnd(group, topic, Duration.ofMinutes(2));
      assertThat(sink.readiness()).isEqualTo(Readiness.READY);
    } finally {
      sink.stop();
      thread.join(30_000);
      sink.close();
    }
    BronzeAudit.assertExactlyOnce(
        s3, warehouse, bucket, BronzeAudit.offsetsOf(kafka, topic, records), dir);

    // A key that Secrets Manager does not have stops the sink at start, naming the reference.
    values.put(SinkConfig.ACCESS_KEY_ID, "aws-secretsmanager:lms/none#access_key_id");
    assertThatThrownBy(() -> SinkApp.create(new SinkConfig(values), Clock.systemUTC()))
        .hasMessageContaining("lms/none")
        .hasMessageNotContaining(s3.endpoint().secretAccessKey());
  }

  static Map<String, Object> config(
      KafkaFixture kafka,
      RegistryFixture registry,
      S3Fixture s3,
      AwsApiFixture secretsManager,
      String bucket,
      String topic,
      String group,
      Path dir) {
    Map<String, Object> values = new HashMap<>();
    values.put(SinkConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
    values.put(SinkConfig.REGISTRY_URL, registry.url());
    values.put(SinkConfig.GROUP_ID, group);
    values.put(SinkConfig.TOPIC, topic);
    values.put(SinkConfig.MANIFEST_TOPIC, "manifests-" + group);
    values.put(SinkConfig.BUCKET, bucket);
    values.put(SinkConfig.ENDPOINT, s3.endpoint().uri().toString());
    values.put(SinkConfig.PATH_STYLE, "true");
    values.put(SinkConfig.STAGING_DIR, dir.resolve("staging").toString());
    values.put(SinkConfig.MAX_AGE_MS, "1000");
    values.put("aws.region", AwsApiFixture.REGION);
    values.put("aws.secretsmanager.endpoint", secretsManager.endpoint().toString());
    return values;
  }
}
