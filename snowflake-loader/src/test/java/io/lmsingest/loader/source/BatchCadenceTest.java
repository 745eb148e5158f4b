package io.lmsingest.loader.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.lmsingest.testkit.ManualClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class BatchCadenceTest {
  /** A clock the test moves. */
  @Test
  void withoutAMinimumIntervalADrainedTopicLoadsAtOnce() {
    BatchCadence cadence = new BatchCadence(Duration.ZERO, 1000, new ManualClock());
    assertThat(cadence.due(0, true)).as("nothing gathered").isFalse();
    assertThat(cadence.due(3, false)).as("more may be coming in this poll").isFalse();
    assertThat(cadence.due(3, true)).isTrue();
    cadence.started();
    assertThat(cadence.due(1, true)).isTrue();
  }

  @Test
  void aMinimumIntervalGathersSmallBatchesUntilItHasPassed() {
    ManualClock clock = new ManualClock();
    BatchCadence cadence = new BatchCadence(Duration.ofMinutes(15), 1000, clock);
    assertThat(cadence.due(2, true)).as("the first batch does not wait").isTrue();
    cadence.started();
    clock.advance(Duration.ofMinutes(14));
    assertThat(cadence.due(40, true)).as("14 min after the last batch began").isFalse();
    clock.advance(Duration.ofMinutes(1));
    assertThat(cadence.due(40, true)).as("15 min after").isTrue();
  }

  @Test
  void aFullBatchLoadsAtOnceWhateverTheInterval() {
    ManualClock clock = new ManualClock();
    BatchCadence cadence = new BatchCadence(Duration.ofHours(1), 1000, clock);
    cadence.started();
    assertThat(cadence.due(999, true)).isFalse();
    assertThat(cadence.due(1000, false)).as("a backlog loads as fast as it can").isTrue();
  }
}
