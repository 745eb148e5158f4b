package io.lmsingest.stack;

import static org.assertj.core.api.Assertions.assertThat;

import io.lmsingest.localstack.ServiceProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalStackJvmTest {
  private static final Path TMP = Path.of("/data/tmp/sink");

  @Test
  void servicesRunUnderTheirDefaultHeapWithoutExtraOptions() {
    assertThat(LocalStack.jvm("sink", TMP, null))
        .startsWith("-Xmx256m")
        .contains("-Dlms.service=sink", "-Djava.io.tmpdir=/data/tmp/sink");
    assertThat(LocalStack.jvm("loader", TMP, "  ")).startsWith("-Xmx96m");
  }

  @Test
  void onlyTheServicesWithLittleJavaWorkSkipC2UnlessAnOperatorSaysOtherwise() {
    assertThat(LocalStack.jvm("s3", TMP, null)).contains(ServiceProcess.QUICK_JIT);
    assertThat(LocalStack.jvm("loader", TMP, null)).contains(ServiceProcess.QUICK_JIT);
    assertThat(LocalStack.jvm("poller", TMP, null)).doesNotContain(ServiceProcess.QUICK_JIT);
    assertThat(LocalStack.jvm("loader", TMP, "-XX:TieredStopAtLevel=4"))
        .endsWith(ServiceProcess.QUICK_JIT, "-XX:TieredStopAtLevel=4");
  }

  @Test
  void extraOptionsComeLastSoTheyWinAndNameTheService() {
    assertThat(
            LocalStack.jvm(
                "validator",
                TMP,
                " -Xmx384m  -XX:StartFlightRecording=filename=/tmp/{service}.jfr "))
        .endsWith("-Xmx384m", "-XX:StartFlightRecording=filename=/tmp/validator.jfr");
  }

  @Test
  void aServicesTempDirectoryIsEmptiedBeforeItStarts(@TempDir Path root) throws Exception {
    Path tmp = root.resolve("tmp").resolve("loader");
    assertThat(LocalStack.emptied(tmp)).isEqualTo(tmp).isEmptyDirectory();
    // What a SIGKILLed loader leaves: DuckDB's unpacked library, a Kafka Streams state folder.
    Files.writeString(tmp.resolve("libduckdb_java123.so"), "x");
    Files.createDirectories(tmp.resolve("lms-validator").resolve("0_1"));
    Files.writeString(root.resolve("keep.txt"), "not the service's");
    assertThat(LocalStack.emptied(tmp)).isEmptyDirectory();
    assertThat(root.resolve("keep.txt")).exists();
  }
}
