package io.lmsingest.kit.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.lmsingest.kit.ManualClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class HeartbeatTest {

  @Test
  void aLoopThatStopsBeatingIsDeadOnceTheLimitHasPassed() {
    ManualClock clock = new ManualClock();
    Heartbeat heartbeat = new Heartbeat(clock, Duration.ofMinutes(2));
    clock.advance(Duration.ofSeconds(119));
    assertThat(heartbeat.alive()).isTrue();
    heartbeat.beat();
    clock.advance(Duration.ofSeconds(120));
    assertThat(heartbeat.alive()).isTrue();
    clock.advance(Duration.ofSeconds(1));
    assertThat(heartbeat.alive()).isFalse();
    assertThat(heartbeat.silence()).isEqualTo(Duration.ofSeconds(121));
    heartbeat.beat();
    assertThat(heartbeat.alive()).isTrue();
  }
}
