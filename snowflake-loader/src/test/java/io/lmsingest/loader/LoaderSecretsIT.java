package io.lmsingest.loader;

import static org.assertj.core.api.Assertions.assertThat;

import io.lmsingest.kit.secrets.ServiceSecrets;
import io.lmsingest.schemas.BronzeManifest;
import io.lmsingest.schemas.LearnerActivity;
import io.lmsingest.testkit.AwsApiFixture;
import io.lmsingest.testkit.IntegrationTest;
import io.lmsingest.testkit.KafkaFixture;
import io.lmsingest.testkit.RegistryFixture;
import io.lmsingest.testkit.S3Fixture;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.time.Clock;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The loader with every secret in AWS Secrets Manager (a real Secrets Manager API: moto). */
@IntegrationTest
class LoaderSecretsIT {
  @Test
  void theS3KeysComeFromAwsSecretsManagerForFollowingAndForReplay(
      KafkaFixture kafka,
      RegistryFixture registry,
      S3Fixture s3,
      AwsApiFixture secretsManager,
      @TempDir Path dir)
      throws Exception {
    String bucket = s3.newBucket();
    List<BronzeManifest> manifests =
        BronzeFixture.write(
            s3,
            bucket,
            dir.resolve("bronze"),
            BronzeFixture.timeline(81),
            0,
            10_000,
            2,
            2_500,
            new long[2],
            LearnerActivity.getClassSchema());
    String keys =
        secretsManager.createSecret(
            "{\"access_key_id\":\""
                + s3.endpoint().accessKeyId()
                + "\",\"secret_access_key\":\""
                + s3.endpoint().secretAccessKey()
                + "\"}");
    Map<String, String> values = s3Config(s3, secretsManager, bucket, dir);
    values.put(LoaderConfig.ACCESS_KEY_ID, keys + "#access_key_id");
    values.put(LoaderConfig.SECRET_ACCESS_KEY, keys + "#secret_access_key");

    var results = LoaderApp.replay(new LoaderConfig(values), Optional.empty(), false);
    assertThat(results.stream().mapToLong(r -> r.files()).sum()).isEqualTo(manifests.size());
    assertThat(results.stream().mapToLong(r -> r.rowsCopied()).sum()).isEqualTo(10_000);

    // The service itself starts with the same secrets (and an empty manifest topic).
    values.put(LoaderConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
    values.put(LoaderConfig.REGISTRY_URL, registry.url());
    values.put(LoaderConfig.MANIFEST_TOPIC, kafka.createTopic("manifests", 1));
    try (LoaderService service = LoaderApp.create(new LoaderConfig(values))) {
      assertThat(service.readiness().isReady()).isTrue();
    }
  }

  @Test
  void theSnowflakePrivateKeyIsReadFromAwsSecretsManagerAndParsed(
      S3Fixture s3, AwsApiFixture secretsManager, @TempDir Path dir) throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    KeyPair pair = generator.generateKeyPair();
    String pem =
        "-----BEGIN PRIVATE KEY-----\n"
            + Base64.getMimeEncoder(64, "\n".getBytes())
                .encodeToString(pair.getPrivate().getEncoded())
            + "\n-----END PRIVATE KEY-----\n";
    Map<String, String> values = s3Config(s3, secretsManager, s3.newBucket(), dir);
    values.put(LoaderConfig.DIALECT, "snowflake");
    values.put(LoaderConfig.SNOWFLAKE_URL, "jdbc:snowflake://example.snowflakecomputing.com/");
    values.put(LoaderConfig.SNOWFLAKE_USER, "LMS_LOADER");
    values.put(LoaderConfig.SNOWFLAKE_PRIVATE_KEY, secretsManager.createSecret(pem));
    LoaderConfig config = new LoaderConfig(values);

    PrivateKey key = LoaderApp.snowflakeKey(config, ServiceSecrets.of(config, Clock.systemUTC()));
    assertThat(key.getAlgorithm()).isEqualTo("RSA");
    assertThat(key.getEncoded()).isEqualTo(pair.getPrivate().getEncoded());
  }

  static Map<String, String> s3Config(
      S3Fixture s3, AwsApiFixture secretsManager, String bucket, Path dir) {
    Map<String, String> values = new HashMap<>();
    values.put(LoaderConfig.DUCKDB_PATH, dir.resolve("warehouse.duckdb").toString());
    values.put(LoaderConfig.STAGING_DIR, dir.resolve("staging").toString());
    values.put(LoaderConfig.BUCKET, bucket);
    values.put(LoaderConfig.ENDPOINT, s3.endpoint().uri().toString());
    values.put(LoaderConfig.PATH_STYLE, "true");
    values.put("aws.region", AwsApiFixture.REGION);
    values.put("aws.secretsmanager.endpoint", secretsManager.endpoint().toString());
    return values;
  }
}
