package io.lmsingest.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

class ServiceCommandsTest {
  @ParameterizedTest(name = "{0}")
  @CsvSource({"poller, lms.api.url", "validator, validation.max.future.skew.ms", "sink, rotation.max.age.ms"})
  void everyServiceDescribesItsConfigAndRequiresAFile(String service, String aKey) {
    StringWriter out = new StringWriter();
    CommandLine cli = LmsIngest.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(out, true));
    assertThat(cli.execute(service, "--describe-config")).isZero();
    assertThat(out.toString()).contains(aKey);

    StringWriter err = new StringWriter();
    CommandLine again = LmsIngest.commandLine();
    again.setErr(new PrintWriter(err, true));
    assertThat(again.execute(service)).isEqualTo(2);
    assertThat(err.toString()).contains("--config FILE is required");

    StringWriter missing = new StringWriter();
    CommandLine third = LmsIngest.commandLine();
    third.setErr(new PrintWriter(missing, true));
    assertThat(third.execute(service, "--config", "/no/such/file.properties")).isEqualTo(1);
    assertThat(missing.toString()).contains("/no/such/file.properties is not readable");
  }
}
