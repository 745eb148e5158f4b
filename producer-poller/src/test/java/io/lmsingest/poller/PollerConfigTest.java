package io.lmsingest.poller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lmsingest.poller.config.PollerConfig;
import io.lmsingest.schemas.Topics;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class PollerConfigTest {
  static Map<String, String> minimal() {
    Map<String, String> values = new HashMap<>();
    values.put(PollerConfig.API_URL, "http://127.0.0.1:8080/v1/activities");
    values.put(PollerConfig.API_KEY, "env:LMS_API_KEY");
    values.put(PollerConfig.BOOTSTRAP_SERVERS, "127.0.0.1:9092");
    values.put(PollerConfig.REGISTRY_URL, "http://127.0.0.1:8081/apis/ccompat/v7");
    return values;
  }

  @Test
  void defaultsAndEnvironmentOverrides() {
    PollerConfig config =
        PollerConfig.load(
            minimal(), Map.of("LMS_API_PAGE_SIZE", "250", "LMS_POLLER_SOURCE", "moodle-eu"));
    assertThat(config.getInt(PollerConfig.PAGE_SIZE)).isEqualTo(250);
    assertThat(config.transactionalId()).isEqualTo("lms-poller-moodle-eu");
    assertThat(config.startFrom()).isEqualTo(Instant.EPOCH);
    assertThat(config.getString(PollerConfig.RAW_TOPIC)).isEqualTo(Topics.RAW);
    assertThat(config.getLong(PollerConfig.LOOK_BACK_MS)).as("on by default").isEqualTo(300_000);
    assertThat(config.getLong(PollerConfig.LOOK_BACK_INTERVAL_MS)).isEqualTo(60_000);
  }

  @Test
  void errorsNameTheBadKey() {
    Map<String, String> missing = minimal();
    missing.remove(PollerConfig.BOOTSTRAP_SERVERS);
    assertThatThrownBy(() -> PollerConfig.load(missing, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("bootstrap.servers");
    Map<String, String> badPages = minimal();
    badPages.put(PollerConfig.PAGINATION, "pages");
    assertThatThrownBy(() -> PollerConfig.load(badPages, Map.of()))
        .hasMessageContaining("lms.api.pagination");
    Map<String, String> badStart = minimal();
    badStart.put(PollerConfig.START_FROM, "yesterday");
    assertThatThrownBy(() -> PollerConfig.load(badStart, Map.of()))
        .hasMessageContaining("poller.start.from");
    assertThatThrownBy(() -> PollerConfig.load(minimal(), Map.of("LMS_API_PAGE_SIZE", "0")))
        .hasMessageContaining("lms.api.page.size");
    Map<String, String> lookBack = minimal();
    lookBack.put(PollerConfig.LOOK_BACK_MS, "60000");
    lookBack.put(PollerConfig.LOOK_BACK_INTERVAL_MS, "60000");
    assertThatThrownBy(() -> PollerConfig.load(lookBack, Map.of()))
        .hasMessageContaining("lms.api.lookback.interval.ms")
        .hasMessageContaining("must be < lms.api.lookback.ms");
    lookBack.put(PollerConfig.LOOK_BACK_MS, "0"); // off: the interval does not matter
    assertThat(PollerConfig.load(lookBack, Map.of()).getLong(PollerConfig.LOOK_BACK_MS)).isZero();
  }

  @Test
  void anUnknownKeyFailsAtStartWithItsNameAndTheSharedKeysAreAccepted() {
    Map<String, String> typo = minimal();
    typo.put("lms.api.pagesize", "100");
    assertThatThrownBy(() -> PollerConfig.load(typo, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("unknown config key 'lms.api.pagesize' for the poller");
    Map<String, String> shared = minimal();
    shared.put("aws.region", "eu-west-1");
    shared.put("aws.secretsmanager.endpoint", "http://127.0.0.1:4566");
    shared.put("metrics.host", "0.0.0.0");
    shared.put("kafka.linger.ms", "5");
    assertThat(PollerConfig.load(shared, Map.of()).kafkaClientConfig())
        .containsEntry("linger.ms", "5");
  }

  @Test
  void printedConfigHidesKafkaSecrets() {
    Map<String, String> values = minimal();
    values.put(
        "kafka.sasl.jaas.config",
        "org.apache.kafka.common.security.plain.PlainLoginModule required password=\"hunter2\";");
    assertThat(PollerConfig.load(values, Map.of()).printable().toString())
        .doesNotContain("hunter2")
        .contains("kafka.sasl.jaas.config=[redacted]");
  }

  @Test
  void aRawApiKeyFailsAtStartBeforeAnythingIsPrintedAndIsNeverEchoed() {
    String canary = "sk_live_canary_7c0ffee";
    Map<String, String> values = minimal();
    values.put(PollerConfig.API_KEY, canary);
    assertThatThrownBy(() -> PollerConfig.load(values, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("lms.api.key")
        .hasMessageNotContaining(canary);
    // The same from the environment: LMS_API_KEY overrides lms.api.key, so it must hold a reference
    // too (a raw key there used to reach the start-up log).
    assertThatThrownBy(() -> PollerConfig.load(minimal(), Map.of("LMS_API_KEY", canary)))
        .hasMessageContaining("lms.api.key")
        .hasMessageNotContaining(canary);
  }
}
