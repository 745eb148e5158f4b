package io.lmsingest.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class StackOptionsTest {
  @Test
  void daysOfHistoryEndNowAndWithUntilDrainedAreExactlyThatManyChanges() {
    StackOptions options = new StackOptions();
    new CommandLine(options).parseArgs("--days", "0.01");
    Properties settings = new Properties();
    Instant before = Instant.now();
    options.settle(settings);
    Instant start = Instant.parse(settings.getProperty("simulator.start"));
    // 0.01 day = 864 s of history that ends now, not at midnight.
    assertThat(Duration.between(start, before).toSeconds()).isBetween(862L, 866L);
    assertThat(settings.getProperty("simulator.records")).isNull();
    options.finiteHistoryFromDays(settings);
    assertThat(settings.getProperty("simulator.records"))
        .isEqualTo("50000"); // 0.01 x 5,000,000/day
  }

  @Test
  void explicitRecordsWinAndTheFirstStartOfADirectoryIsKept() {
    StackOptions options = new StackOptions();
    new CommandLine(options).parseArgs("--days", "2", "--records", "1000");
    Properties settings = new Properties();
    settings.setProperty("simulator.start", "2026-11-01T00:00:00Z");
    options.settle(settings);
    options.finiteHistoryFromDays(settings);
    assertThat(settings.getProperty("simulator.start")).isEqualTo("2026-11-01T00:00:00Z");
    assertThat(settings.getProperty("simulator.records")).isEqualTo("1000");
  }

  @Test
  void anUnknownLagSaysSo() {
    assertThat(DemoCommand.lag(-1)).isEqualTo("– (no commit yet)");
    assertThat(DemoCommand.lag(12_345)).isEqualTo("12,345");
  }
}
