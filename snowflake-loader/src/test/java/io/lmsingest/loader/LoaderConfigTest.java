package io.lmsingest.loader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lmsingest.schemas.ConsumerGroups;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class LoaderConfigTest {
  static Map<String, String> minimal() {
    Map<String, String> values = new HashMap<>();
    values.put(LoaderConfig.BUCKET, "lms-bronze");
    return values;
  }

  @Test
  void replayNeedsNoKafkaButFollowingDoes() {
    LoaderConfig config = LoaderConfig.load(minimal(), Map.of());
    assertThat(config.getString(LoaderConfig.GROUP_ID)).isEqualTo(ConsumerGroups.LOADER);
    assertThatThrownBy(config::requireKafka).hasMessageContaining("bootstrap.servers");
  }

  @Test
  void anUnknownKeyFailsAtStartWithItsNameAndSnowflakeNeedsItsKeys() {
    Map<String, String> typo = minimal();
    typo.put("snowflake.privatekey", "aws-secretsmanager:prod/sf");
    assertThatThrownBy(() -> LoaderConfig.load(typo, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("unknown config key 'snowflake.privatekey' for the loader")
        .hasMessageContaining("did you mean 'snowflake.private.key'?")
        .hasMessageNotContaining("prod/sf");
    Map<String, String> snowflake = minimal();
    snowflake.put(LoaderConfig.DIALECT, "snowflake");
    assertThatThrownBy(() -> LoaderConfig.load(snowflake, Map.of()))
        .hasMessageContaining(LoaderConfig.SNOWFLAKE_URL);
  }
}
