package io.lmsingest.kit.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class HeartbeatTest {
  static final class MovingClock extends Clock {
    Instant now = Instant.parse("2026-11-26T10:00:00Z");

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  @Test
  void aLoopThatStopsBeatingIsDeadOnceTheLimitHasPassed() {
    MovingClock clock = new MovingClock();
    Heartbeat heartbeat = new Heartbeat(clock, Duration.ofMinutes(2));
    clock.now = clock.now.plusSeconds(119);
    assertThat(heartbeat.alive()).isTrue();
    heartbeat.beat();
    clock.now = clock.now.plusSeconds(120);
    assertThat(heartbeat.alive()).isTrue();
    clock.now = clock.now.plusSeconds(1);
    assertThat(heartbeat.alive()).isFalse();
    assertThat(heartbeat.silence()).isEqualTo(Duration.ofSeconds(121));
    heartbeat.beat();
    assertThat(heartbeat.alive()).isTrue();
  }
}
