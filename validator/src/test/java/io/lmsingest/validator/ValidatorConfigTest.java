package io.lmsingest.validator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lmsingest.schemas.ConsumerGroups;
import io.lmsingest.schemas.Topics;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class ValidatorConfigTest {
  static Map<String, String> minimal() {
    Map<String, String> values = new HashMap<>();
    values.put(ValidatorConfig.BOOTSTRAP_SERVERS, "127.0.0.1:9092");
    values.put(ValidatorConfig.REGISTRY_URL, "http://127.0.0.1:8081/apis/ccompat/v7");
    return values;
  }

  @Test
  void defaultsTheSharedKeysAndEnvironmentOverrides() {
    ValidatorConfig config = ValidatorConfig.load(minimal(), Map.of("LMS_METRICS_PORT", "9404"));
    assertThat(config.getString(ValidatorConfig.APPLICATION_ID))
        .isEqualTo(ConsumerGroups.VALIDATOR);
    assertThat(config.getString(ValidatorConfig.RAW_TOPIC)).isEqualTo(Topics.RAW);
    assertThat(config.getInt(ValidatorConfig.METRICS_PORT)).isEqualTo(9404);
  }

  @Test
  void streamsCommitOnceASecondInLargerBatchesUnlessConfiguredOtherwise() {
    Properties defaults = ValidatorApp.streamsProperties(ValidatorConfig.load(minimal(), Map.of()));
    assertThat(defaults)
        .containsEntry(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2)
        .containsEntry(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 1000)
        .containsEntry(StreamsConfig.producerPrefix("batch.size"), 256 * 1024)
        .containsEntry(StreamsConfig.producerPrefix("linger.ms"), 20);

    Map<String, String> lowLatency = minimal();
    lowLatency.put("kafka.commit.interval.ms", "100");
    assertThat(ValidatorApp.streamsProperties(ValidatorConfig.load(lowLatency, Map.of())))
        .containsEntry(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "100");
  }

  @Test
  void anUnknownKeyFailsAtStartWithItsName() {
    Map<String, String> typo = minimal();
    typo.put("topic.dql", "x");
    assertThatThrownBy(() -> ValidatorConfig.load(typo, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("unknown config key 'topic.dql' for the validator")
        .hasMessageContaining("did you mean 'topic.dlq'?");
  }
}
