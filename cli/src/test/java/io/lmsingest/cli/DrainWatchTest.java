package io.lmsingest.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.lmsingest.cli.DrainWatch.Step;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class DrainWatchTest {
  private static final Duration FIVE = Duration.ofSeconds(5);

  @Test
  void comparesOnlyAfterTwoQuietReadingsInARowTheSecondOneSecondAfterTheFirst() {
    DrainWatch watch = new DrainWatch(100, FIVE);
    assertThat(watch.nextReading()).isEqualTo(FIVE);
    assertThat(watch.after(60, true)).as("lags zero, not everything served").isEqualTo(Step.WAIT);
    assertThat(watch.after(100, false)).as("served, not drained").isEqualTo(Step.WAIT);
    assertThat(watch.nextReading()).isEqualTo(FIVE);
    assertThat(watch.after(100, true)).isEqualTo(Step.CONFIRM);
    assertThat(watch.nextReading()).isEqualTo(DrainWatch.CONFIRM);
    assertThat(watch.after(100, true)).isEqualTo(Step.COMPARE);
  }

  @Test
  void aReadingThatIsNotQuietStartsTheWatchOver() {
    DrainWatch watch = new DrainWatch(100, FIVE);
    assertThat(watch.after(100, true)).isEqualTo(Step.CONFIRM);
    assertThat(watch.after(100, false)).as("the poller's last page showed up").isEqualTo(Step.WAIT);
    assertThat(watch.nextReading()).isEqualTo(FIVE);
    assertThat(watch.after(100, true)).isEqualTo(Step.CONFIRM);
    assertThat(watch.after(100, true)).isEqualTo(Step.COMPARE);
    watch.notEqualYet();
    assertThat(watch.nextReading()).isEqualTo(FIVE);
    assertThat(watch.after(100, true)).isEqualTo(Step.CONFIRM);
  }

  @Test
  void aProgressIntervalShorterThanTheConfirmationIsKept() {
    DrainWatch watch = new DrainWatch(10, Duration.ofMillis(500));
    watch.after(10, true);
    assertThat(watch.nextReading()).isEqualTo(Duration.ofMillis(500));
  }
}
