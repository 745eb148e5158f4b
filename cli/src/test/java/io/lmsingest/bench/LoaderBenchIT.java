package io.lmsingest.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.lmsingest.testkit.IntegrationTest;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code bench loader} on a small day: it loads, measures both ceilings and reports the shares. */
@IntegrationTest
class LoaderBenchIT {
  @Test
  void reportsTheLoaderAgainstBareAndBoundedCtasAndRowByRow() throws Exception {
    StringWriter text = new StringWriter();
    int exit = new LoaderBench(new PrintWriter(text, true), 30_000, 1, 200).run();

    String out = text.toString();
    assertThat(exit).as(out).isZero();
    assertThat(percent(out, "one transaction\\): [\\d,]+ rows/s = (\\d+)% of the ceiling"))
        .as(out)
        .isPositive();
    assertThat(
            percent(
                out,
                "within the loader's settings \\(threads 1, [^)]*\\): [\\d,]+ rows/s; the loader is (\\d+)% of it"))
        .as(out)
        .isPositive();
    assertThat(percent(out, "keeping RAW \\(duckdb.raw.keep[^)]*\\): [\\d,]+ rows/s = (\\d+)% of"))
        .as(out)
        .isPositive();
    assertThat(percent(out, "the loader is (\\d+)x faster")).as(out).isPositive();
  }

  private static int percent(String out, String regex) {
    Matcher m = Pattern.compile(regex).matcher(out);
    assertThat(m.find()).as("'%s' in:%n%s", regex, out).isTrue();
    return Integer.parseInt(m.group(1));
  }
}
