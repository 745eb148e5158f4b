package io.lmsingest.poller.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ApiInstantTest {
  @Test
  void readsWhatInstantParseReadsForRandomInstantsWithEveryFractionLength() {
    SplittableRandom random = new SplittableRandom(20261127);
    long from = Instant.parse("1970-01-01T00:00:00Z").getEpochSecond();
    long to = Instant.parse("2100-01-01T00:00:00Z").getEpochSecond();
    for (int i = 0; i < 200_000; i++) {
      Instant instant =
          Instant.ofEpochSecond(random.nextLong(from, to), random.nextInt(1_000_000_000));
      String text = instant.toString(); // 0, 3, 6 or 9 fraction digits
      assertThat(ApiInstant.parse(text)).as(text).isEqualTo(Instant.parse(text));
      String cut = withFractionDigits(text, random.nextInt(10)); // 0 to 9 digits
      assertThat(ApiInstant.parse(cut)).as(cut).isEqualTo(Instant.parse(cut));
    }
  }

  @Test
  void edgesGiveInstantParsesResult() {
    for (String text :
        List.of(
            "2024-02-29T23:59:59.999999999Z",
            "2000-02-29T00:00:00Z",
            "0000-01-01T00:00:00Z",
            "9999-12-31T23:59:59.9Z",
            "1969-12-31T23:59:59.5Z",
            "2026-11-27T08:15:30+01:00",
            "2026-11-27T08:15:30.1-05:30",
            "2026-11-27t08:15:30z",
            "2026-11-27T08:15:30.Z",
            "2026-11-27T24:00:00Z",
            "2026-11-27T23:59:60Z",
            "+10000-01-01T00:00:00Z",
            "-0001-01-01T00:00:00Z")) {
      assertThat(ApiInstant.parse(text)).as(text).isEqualTo(Instant.parse(text));
    }
  }

  @Test
  void whatInstantParseRefusesIsRefusedTheSameWay() {
    for (String text :
        List.of(
            "2023-02-29T00:00:00Z",
            "2026-04-31T00:00:00Z",
            "2026-13-01T00:00:00Z",
            "2026-00-10T00:00:00Z",
            "2026-11-00T00:00:00Z",
            "2026-11-27T25:00:00Z",
            "2026-11-27T08:60:00Z",
            "2026-11-27T08:15:30.1234567890Z",
            "2026-11-27T08:15:3xZ",
            "2026-11-27 08:15:30Z",
            "2026-11-27T08:15:30",
            "2026-11-27",
            "")) {
      assertThatThrownBy(() -> Instant.parse(text)).isInstanceOf(DateTimeParseException.class);
      assertThatThrownBy(() -> ApiInstant.parse(text))
          .as(text)
          .isInstanceOf(DateTimeParseException.class);
    }
  }

  private static String withFractionDigits(String text, int digits) {
    String seconds = text.substring(0, 19);
    String fraction = text.length() > 20 ? text.substring(20, text.length() - 1) : "";
    fraction = (fraction + "000000000").substring(0, 9).substring(0, digits);
    return seconds + (digits == 0 ? "" : "." + fraction) + "Z";
  }
}
