package io.lmsingest.loader;

import static org.assertj.core.api.Assertions.assertThat;

import io.lmsingest.loader.batch.BatchResult;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * The whole loader against a real Snowflake account (docs/snowflake.md, section 6). Skipped unless
 * SNOWFLAKE_URL is set; Snowflake cannot run on a build machine.
 */
@Tag("integration")
@EnabledIfEnvironmentVariable(
    named = "SNOWFLAKE_URL",
    matches = ".+",
    disabledReason =
        "SNOWFLAKE_URL is not set: the live Snowflake test needs an account (see docs/snowflake.md)")
class SnowflakeLiveIT {
  @Test
  void replayLoadsTheBucketsManifestsAndASecondReplayChangesNothing() throws Exception {
    Map<String, String> env = System.getenv();
    Map<String, String> values = new HashMap<>();
    values.put(LoaderConfig.DIALECT, "snowflake");
    values.put(LoaderConfig.SNOWFLAKE_URL, env.get("SNOWFLAKE_URL"));
    values.put(LoaderConfig.SNOWFLAKE_USER, env.getOrDefault("SNOWFLAKE_USER", ""));
    values.put(
        LoaderConfig.SNOWFLAKE_PRIVATE_KEY,
        "file:" + env.getOrDefault("SNOWFLAKE_PRIVATE_KEY_FILE", ""));
    if (env.containsKey("SNOWFLAKE_PRIVATE_KEY_PASSPHRASE_FILE")) {
      values.put(
          LoaderConfig.SNOWFLAKE_PRIVATE_KEY_PASSPHRASE,
          "file:" + env.get("SNOWFLAKE_PRIVATE_KEY_PASSPHRASE_FILE"));
    }
    for (String key : List.of("ROLE", "WAREHOUSE", "DATABASE", "SCHEMA", "STAGE")) {
      if (env.containsKey("SNOWFLAKE_" + key)) {
        values.put("snowflake." + key.toLowerCase(), env.get("SNOWFLAKE_" + key));
      }
    }
    LoaderConfig config =
        LoaderConfig.load(values, env); // LMS_S3_BUCKET etc. come from the environment
    // The account is checked first, as an operator would before going live.
    StringWriter checkOutput = new StringWriter();
    assertThat(LoaderApp.check(config, new PrintWriter(checkOutput, true)))
        .as("loader check:%n%s", checkOutput)
        .isZero();
    List<BatchResult> first = LoaderApp.replay(config, Optional.empty(), false);
    List<BatchResult> second = LoaderApp.replay(config, Optional.empty(), false);
    assertThat(second).allMatch(r -> r.files() == 0);
    assertThat(first.size() + second.size()).isPositive();
  }
}
