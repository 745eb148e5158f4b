package io.lmsingest.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.lmsingest.schemas.LearnerActivity;
import io.lmsingest.simulator.timeline.ActivityTimeline;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SinkBenchTest {
  @Test
  void theFillsKafkaTimestampsLieInThePastAndInsideTheBrokersRetention() {
    Instant now = Instant.now();
    Instant retained = now.minus(Duration.ofDays(7));
    ActivityTimeline timeline = new ActivityTimeline(SinkBench.fillHistory(now));
    // A bench fills up to a few million records; their Kafka timestamp is updated_at.
    for (long slot = 0; slot <= 4_000_000; slot += 997) {
      LearnerActivity a = timeline.recordAt(slot);
      assertThat(a.getUpdatedAt()).as("slot %d", slot).isAfter(retained).isBefore(now);
    }
  }
}
