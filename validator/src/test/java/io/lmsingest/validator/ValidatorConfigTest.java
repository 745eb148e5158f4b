package io.lmsingest.validator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lmsingest.schemas.ConsumerGroups;
import io.lmsingest.schemas.Topics;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
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
  void anUnknownKeyFailsAtStartWithItsName() {
    Map<String, String> typo = minimal();
    typo.put("topic.dql", "x");
    assertThatThrownBy(() -> ValidatorConfig.load(typo, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("unknown config key 'topic.dql' for the validator")
        .hasMessageContaining("did you mean 'topic.dlq'?");
  }
}
