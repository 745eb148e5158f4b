package io.lmsingest.loader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lmsingest.loader.warehouse.DuckDbSettings;
import io.lmsingest.schemas.ConsumerGroups;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
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

  @Test
  void duckDbIsBoundedByDefaultAndABadSizeNamesItsKey() {
    LoaderConfig config = LoaderConfig.load(minimal(), Map.of());
    assertThat(config.duckDbSettings(Path.of("/tmp/spill")))
        .isEqualTo(
            new DuckDbSettings(
                "192MB", 1, "256MB", 1_000_000, List.of("fsst"), Path.of("/tmp/spill"), false));
    Map<String, String> bad = minimal();
    bad.put(LoaderConfig.DUCKDB_MEMORY_LIMIT, "lots");
    assertThatThrownBy(() -> LoaderConfig.load(bad, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("duckdb.memory.limit")
        .hasMessageContaining("lots");
    Map<String, String> unbounded = minimal();
    unbounded.put(LoaderConfig.DUCKDB_MEMORY_LIMIT, "");
    unbounded.put(LoaderConfig.DUCKDB_THREADS, "0");
    unbounded.put(LoaderConfig.DUCKDB_DISABLED_COMPRESSION, "");
    assertThat(LoaderConfig.load(unbounded, Map.of()).duckDbSettings(Path.of("s")).statements())
        .containsExactly(
            "SET checkpoint_threshold = '256MB'",
            "SET preserve_insertion_order = false",
            "SET temp_directory = 's'");
    assertThat(config.duckDbSettings(Path.of("s")).statements())
        .contains("SET disabled_compression_methods = 'fsst'");
    // The list type hands its entries over trimmed: spaces after the commas are fine.
    Map<String, String> spaced = minimal();
    spaced.put(LoaderConfig.DUCKDB_DISABLED_COMPRESSION, " fsst , dictionary ");
    assertThat(LoaderConfig.load(spaced, Map.of()).duckDbSettings(Path.of("s")).statements())
        .contains("SET disabled_compression_methods = 'fsst,dictionary'");
  }

  @Test
  void aCompressionMethodThatIsNoNameIsRefusedWithItsKey() {
    Map<String, String> bad = minimal();
    bad.put(LoaderConfig.DUCKDB_DISABLED_COMPRESSION, "fsst,dict'; DROP TABLE raw");
    assertThatThrownBy(() -> LoaderConfig.load(bad, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("duckdb.disabled.compression")
        .hasMessageContaining("not a DuckDB compression method name");
  }
}
