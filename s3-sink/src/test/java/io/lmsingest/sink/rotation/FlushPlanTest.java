package io.lmsingest.sink.rotation;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class FlushPlanTest {
  static final FlushPlan PLAN =
      new FlushPlan(new RotationPolicy(1_000, 10_000, Duration.ofSeconds(60)), 25_000);

  static OpenFile open(int partition, long rows, long bytes, long ageSeconds) {
    return new OpenFile(partition, rows, bytes, Duration.ofSeconds(ageSeconds));
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("nothing open", List.of(), Map.of()),
        Arguments.of("young and small", List.of(open(0, 10, 1_000, 1)), Map.of()),
        Arguments.of(
            "enough records",
            List.of(open(0, 1_000, 1_000, 1), open(1, 5, 100, 1)),
            Map.of(0, RotationPolicy.Reason.RECORDS)),
        Arguments.of(
            "enough bytes",
            List.of(open(2, 10, 10_000, 1)),
            Map.of(2, RotationPolicy.Reason.BYTES)),
        Arguments.of(
            "old enough", List.of(open(3, 1, 10, 60)), Map.of(3, RotationPolicy.Reason.AGE)),
        Arguments.of(
            "over the budget: the largest goes too",
            List.of(open(0, 10, 9_000, 1), open(1, 10, 9_500, 1), open(2, 10, 8_000, 1)),
            Map.of(1, RotationPolicy.Reason.MEMORY)),
        Arguments.of(
            "over the budget, one due already: the largest other goes too",
            List.of(open(0, 10, 9_999, 1), open(1, 1_000, 9_000, 1), open(2, 10, 8_000, 1)),
            Map.of(0, RotationPolicy.Reason.MEMORY, 1, RotationPolicy.Reason.RECORDS)),
        Arguments.of(
            "at the budget exactly: nothing",
            List.of(open(0, 10, 9_000, 1), open(1, 10, 8_000, 1), open(2, 10, 8_000, 1)),
            Map.of()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void due(String name, List<OpenFile> open, Map<Integer, RotationPolicy.Reason> expected) {
    assertThat(PLAN.due(open)).isEqualTo(expected);
  }
}
