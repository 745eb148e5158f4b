package io.lmsingest.kit.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class ServiceConfigTest {
  static final ConfigDef DEFINITION =
      CommonKeys.secrets(
              CommonKeys.metrics(
                  CommonKeys.s3(
                      CommonKeys.registry(CommonKeys.kafka(new ConfigDef(), true), true))))
          .define(
              "own.key",
              ConfigDef.Type.INT,
              3,
              ConfigDef.Importance.LOW,
              "a key of this service only");

  static final class ExampleConfig extends ServiceConfig {
    ExampleConfig(Map<String, ?> values) {
      super("example", DEFINITION, values);
    }
  }

  static Map<String, String> minimal() {
    Map<String, String> values = new HashMap<>();
    values.put(CommonKeys.BOOTSTRAP_SERVERS, "127.0.0.1:9092");
    values.put(CommonKeys.REGISTRY_URL, "http://127.0.0.1:8081/apis/ccompat/v7");
    values.put(CommonKeys.S3_BUCKET, "lms-bronze");
    return values;
  }

  @Test
  void sharedKeysHaveTheirDefaultsAndKafkaSettingsPassThrough() {
    Map<String, String> values = minimal();
    values.put("kafka.security.protocol", "SASL_SSL");
    values.put(
        "kafka.sasl.jaas.config",
        "org.apache.kafka.common.security.plain.PlainLoginModule required password=\"hunter2\";");
    ExampleConfig config = new ExampleConfig(values);
    assertThat(config.getString(CommonKeys.AWS_REGION)).isEqualTo("us-east-1");
    assertThat(config.getString(CommonKeys.SECRETS_MANAGER_ENDPOINT)).isEmpty();
    assertThat(config.getInt(CommonKeys.METRICS_PORT)).isEqualTo(-1);
    assertThat(config.getString(CommonKeys.METRICS_HOST)).isEqualTo("127.0.0.1");
    assertThat(config.kafkaClientConfig())
        .containsEntry("bootstrap.servers", "127.0.0.1:9092")
        .containsEntry("security.protocol", "SASL_SSL");
    assertThat(config.printable().toString())
        .doesNotContain("hunter2")
        .contains("kafka.sasl.jaas.config=[redacted]");
  }

  @Test
  void aSecretPastedInsteadOfItsReferenceFailsAtStartNamingTheKeyNeverTheValue() {
    String canary = "AKIAcanary0123456789";
    for (String key : new String[] {CommonKeys.S3_ACCESS_KEY_ID, CommonKeys.S3_SECRET_ACCESS_KEY}) {
      Map<String, String> values = minimal();
      values.put(key, canary);
      assertThatThrownBy(() -> new ExampleConfig(values))
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining(key)
          .hasMessageNotContaining(canary);
    }
    Map<String, String> references = minimal();
    references.put(CommonKeys.S3_ACCESS_KEY_ID, "env:AWS_KEY");
    references.put(CommonKeys.S3_SECRET_ACCESS_KEY, "aws-secretsmanager:lms/s3#secret");
    assertThat(new ExampleConfig(references).printable().toString())
        .contains("s3.secret.access.key=aws-secretsmanager:lms/s3#secret");
  }

  @Test
  void credentialsInUrlsAreRedactedWhenPrinted() {
    Map<String, String> values = minimal();
    values.put(
        CommonKeys.REGISTRY_URL, "https://svc-user:hunter2@registry.example.com/apis/ccompat/v7");
    values.put(CommonKeys.S3_ENDPOINT, "https://s3.example.com/?X-Amz-Signature=abc123&region=eu");
    values.put(
        "kafka.sasl.oauthbearer.token.endpoint.url", "https://idp/token?client_secret=s3cr3t");
    String printed = new ExampleConfig(values).printable().toString();
    assertThat(printed)
        .doesNotContain("hunter2", "svc-user", "abc123", "s3cr3t")
        .contains("schema.registry.url=https://[redacted]@registry.example.com/apis/ccompat/v7")
        .contains("s3.endpoint=https://s3.example.com/?X-Amz-Signature=[redacted]&region=eu")
        .contains("client_secret=[redacted]");
    assertThat(
            UrlCredentials.redact(
                "jdbc:snowflake://acme.snowflakecomputing.com/?user=LOADER&password=p%40ss&db=LMS"))
        .isEqualTo(
            "jdbc:snowflake://acme.snowflakecomputing.com/?user=LOADER&password=[redacted]&db=LMS");
  }

  @Test
  void anUnknownKeyFailsAtStartNamingItAndTheNearestKeyButNotTheValue() {
    Map<String, String> values = minimal();
    values.put("aws.secretsmanager.endpiont", "http://canary-value");
    assertThatThrownBy(() -> new ExampleConfig(values))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("unknown config key 'aws.secretsmanager.endpiont' for the example")
        .hasMessageContaining("did you mean 'aws.secretsmanager.endpoint'?")
        .hasMessageNotContaining("canary-value");

    Map<String, String> farOff = minimal();
    farOff.put("something.else", "x");
    assertThatThrownBy(() -> new ExampleConfig(farOff))
        .hasMessageContaining("unknown config key 'something.else'")
        .hasMessageNotContaining("did you mean");
  }

  @Test
  void aBadValueNamesItsKey() {
    Map<String, String> values = minimal();
    values.put(CommonKeys.METRICS_PORT, "-7");
    assertThatThrownBy(() -> new ExampleConfig(values))
        .hasMessageContaining(CommonKeys.METRICS_PORT);
    Map<String, String> noBrokers = minimal();
    noBrokers.remove(CommonKeys.BOOTSTRAP_SERVERS);
    assertThatThrownBy(() -> new ExampleConfig(noBrokers))
        .hasMessageContaining(CommonKeys.BOOTSTRAP_SERVERS);
  }
}
