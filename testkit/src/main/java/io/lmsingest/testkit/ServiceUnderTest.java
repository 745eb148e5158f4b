package io.lmsingest.testkit;

import io.lmsingest.localstack.ServiceProcess;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A pipeline service under test as its own JVM, on the test's class path, its output appended to a
 * log file: start it, wait for a log line, SIGKILL it or stop it with SIGTERM, quote its log's
 * tail. What every crash test does, in one place.
 */
public final class ServiceUnderTest implements AutoCloseable {
  private final Process process;
  private final Path log;

  private ServiceUnderTest(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /** Starts {@code mainClass} with the config file as its one argument. */
  public static ServiceUnderTest start(
      Class<?> mainClass, Path config, Path log, String... jvmOptions) throws IOException {
    // Beside the log (in the test's temporary directory): what a SIGKILLed process unpacked there,
    // such as DuckDB's 58 MB native library, goes with the test instead of piling up in /tmp.
    Path tmp = Files.createDirectories(log.resolveSibling(log.getFileName() + ".tmp"));
    List<String> options = new ArrayList<>();
    options.add("-Djava.io.tmpdir=" + tmp);
    options.addAll(List.of(jvmOptions));
    options.add("-XX:+ExitOnOutOfMemoryError");
    List<String> command =
        ServiceProcess.javaCommand(options, mainClass.getName(), List.of(config.toString()));
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .start();
    return new ServiceUnderTest(process, log);
  }

  /** Writes a service's properties file. */
  public static Path writeConfig(Path file, Map<String, ?> values) throws IOException {
    return Files.writeString(
        file,
        values.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining("\n"))
            + "\n");
  }

  /** Lines of {@code log} that contain {@code marker} (0 while there is no log). */
  public static long linesWith(Path log, String marker) throws IOException {
    if (!Files.exists(log)) {
      return 0;
    }
    try (var lines = Files.lines(log, StandardCharsets.UTF_8)) {
      return lines.filter(l -> l.contains(marker)).count();
    }
  }

  public long linesWith(String marker) throws IOException {
    return linesWith(log, marker);
  }

  /**
   * Waits until the log holds {@code n} lines with {@code marker}; fails if the process exits or
   * time runs out.
   */
  public void awaitLines(String marker, long n, Duration timeout)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (linesWith(marker) < n) {
      if (!process.isAlive()) {
        throw new AssertionError(
            "the service exited ("
                + process.exitValue()
                + ") before '"
                + marker
                + "'; last lines:\n"
                + tail());
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "no '" + marker + "' within " + timeout.toSeconds() + " s; last lines:\n" + tail());
      }
      Thread.sleep(50);
    }
  }

  /** Waits for the next line with {@code marker}. */
  public void awaitNext(String marker, Duration timeout) throws IOException, InterruptedException {
    awaitLines(marker, linesWith(marker) + 1, timeout);
  }

  /** SIGKILL: no shutdown hook runs, files are half written, uploads half done. */
  public void kill() throws InterruptedException {
    process.destroyForcibly().waitFor();
  }

  /** SIGTERM, then the exit code (143 after a graceful stop by signal). */
  public int stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
      throw new AssertionError(
          "the service did not stop within 60 s of SIGTERM; last lines:\n" + tail());
    }
    return process.exitValue();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public long pid() {
    return process.pid();
  }

  public Path log() {
    return log;
  }

  /** The last 20 lines of the log, for assertion messages. */
  public String tail() {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "(log " + log + " unreadable: " + e.getMessage() + ")";
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill();
    }
  }
}
