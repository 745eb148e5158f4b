package io.lmsingest.testkit;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text exposition format (0.0.4), for tests of what services
 * serve: every family has HELP and TYPE before its samples, names and labels are well formed,
 * values are numbers, counters end in {@code _total}. Anything else fails with the offending line.
 */
public final class PrometheusText {
  private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern SAMPLE =
      Pattern.compile(
          "([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{((?:[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\]|\\\\.)*\",?)*)})? (\\S+)( -?\\d+)?");

  /** One metric family: its type, help and samples (sample text without the value → value). */
  public record Family(String name, String type, String help, Map<String, Double> samples) {}

  private PrometheusText() {}

  public static Map<String, Family> parse(String text) {
    Map<String, Family> families = new LinkedHashMap<>();
    Map<String, String> help = new LinkedHashMap<>();
    Map<String, String> types = new LinkedHashMap<>();
    for (String line : text.split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      if (line.startsWith("# HELP ")) {
        String[] parts = line.substring(7).split(" ", 2);
        require(
            NAME.matcher(parts[0]).matches() && parts.length == 2,
            line,
            "a HELP line names a family and says something");
        help.put(parts[0], parts[1]);
      } else if (line.startsWith("# TYPE ")) {
        String[] parts = line.substring(7).split(" ");
        require(
            parts.length == 2
                && List.of("counter", "gauge", "histogram", "summary", "untyped")
                    .contains(parts[1]),
            line,
            "a TYPE line names a family and a known type");
        require(help.containsKey(parts[0]), line, "HELP comes before TYPE");
        require(
            !parts[1].equals("counter") || parts[0].endsWith("_total"),
            line,
            "a counter's name ends in _total");
        types.put(parts[0], parts[1]);
        families.put(
            parts[0], new Family(parts[0], parts[1], help.get(parts[0]), new LinkedHashMap<>()));
      } else if (line.startsWith("#")) {
        continue;
      } else {
        Matcher m = SAMPLE.matcher(line);
        require(m.matches(), line, "a sample is name{labels} value");
        String family = familyOf(m.group(1), types);
        require(family != null, line, "a sample follows the TYPE of its family");
        double value;
        try {
          value =
              Double.parseDouble(
                  m.group(4).replace("+Inf", "Infinity").replace("-Inf", "-Infinity"));
        } catch (NumberFormatException e) {
          throw new AssertionError("not a number in: " + line);
        }
        families
            .get(family)
            .samples()
            .put(m.group(1) + (m.group(2) == null ? "" : m.group(2)), value);
      }
    }
    return families;
  }

  private static String familyOf(String sample, Map<String, String> types) {
    if (types.containsKey(sample)) {
      return sample;
    }
    List<String> suffixes = new ArrayList<>(List.of("_bucket", "_sum", "_count", "_created"));
    for (String suffix : suffixes) {
      if (sample.endsWith(suffix)
          && types.containsKey(sample.substring(0, sample.length() - suffix.length()))) {
        return sample.substring(0, sample.length() - suffix.length());
      }
    }
    return null;
  }

  private static void require(boolean ok, String line, String rule) {
    if (!ok) {
      throw new AssertionError("not Prometheus text format (" + rule + "): " + line);
    }
  }
}
