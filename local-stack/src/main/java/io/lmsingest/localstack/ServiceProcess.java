package io.lmsingest.localstack;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A child JVM (or any command) running on its own: output appended to a log file, pid in a pid
 * file, detached from the launcher's terminal so it outlives the command that started it.
 */
public final class ServiceProcess {
  private final String name;
  private final ProcessHandle handle;
  private final Path logFile;
  private final Path pidFile;

  private ServiceProcess(String name, ProcessHandle handle, Path logFile, Path pidFile) {
    this.name = name;
    this.handle = handle;
    this.logFile = logFile;
    this.pidFile = pidFile;
  }

  /**
   * Starts {@code command}, its output appended to {@code logFile}, its pid written to {@code
   * pidFile}.
   */
  public static ServiceProcess start(
      String name, List<String> command, Map<String, String> env, Path logFile, Path pidFile)
      throws IOException {
    Files.createDirectories(logFile.getParent());
    Files.createDirectories(pidFile.getParent());
    List<String> full = new ArrayList<>();
    if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
      // Own session: a Ctrl-C in the launcher's terminal must not reach the services it left
      // running.
      full.add("/usr/bin/setsid");
    }
    full.addAll(command);
    ProcessBuilder builder = new ProcessBuilder(full);
    builder.environment().putAll(env);
    builder.redirectErrorStream(true);
    builder.redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
    builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    Process process = builder.start();
    Files.writeString(pidFile, Long.toString(process.pid()), StandardCharsets.US_ASCII);
    return new ServiceProcess(name, process.toHandle(), logFile, pidFile);
  }

  /** The process recorded in {@code pidFile}, if it is still alive. */
  public static Optional<ServiceProcess> running(String name, Path pidFile, Path logFile) {
    if (!Files.isRegularFile(pidFile)) {
      return Optional.empty();
    }
    try {
      long pid = Long.parseLong(Files.readString(pidFile, StandardCharsets.US_ASCII).trim());
      return ProcessHandle.of(pid)
          .filter(ProcessHandle::isAlive)
          .map(h -> new ServiceProcess(name, h, logFile, pidFile));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  public String name() {
    return name;
  }

  public long pid() {
    return handle.pid();
  }

  public boolean isAlive() {
    return handle.isAlive();
  }

  public Path logFile() {
    return logFile;
  }

  /**
   * Waits until {@code ready} holds. Fails fast, quoting the end of the log, if the process dies or
   * the timeout passes.
   */
  public void awaitReady(BooleanSupplier ready, Duration timeout) throws IOException {
    Instant deadline = Instant.now().plus(timeout);
    while (true) {
      if (!handle.isAlive()) {
        throw new IOException(name + " exited during start-up; last log lines:\n" + tail(30));
      }
      if (ready.getAsBoolean()) {
        return;
      }
      if (Instant.now().isAfter(deadline)) {
        throw new IOException(
            name
                + " not ready after "
                + timeout.toSeconds()
                + " s (pid "
                + pid()
                + ", log "
                + logFile
                + "); last log lines:\n"
                + tail(30));
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for " + name, e);
      }
    }
  }

  /** SIGTERM, then SIGKILL after {@code grace}; children too. Removes the pid file. */
  public void stop(Duration grace) throws IOException {
    List<ProcessHandle> family = new ArrayList<>(handle.descendants().toList());
    family.add(handle);
    family.forEach(ProcessHandle::destroy);
    Instant deadline = Instant.now().plus(grace);
    for (ProcessHandle member : family) {
      while (member.isAlive() && Instant.now().isBefore(deadline)) {
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
      if (member.isAlive()) {
        member.destroyForcibly();
      }
    }
    for (ProcessHandle member : family) {
      member.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(e -> member).join();
    }
    Files.deleteIfExists(pidFile);
  }

  /** The last {@code lines} lines of the log, for error messages. */
  public String tail(int lines) {
    try {
      List<String> all = Files.readAllLines(logFile, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(log " + logFile + " unreadable: " + e.getMessage() + ")";
    }
  }

  /**
   * JVM option: only the quick C1 compiler. For a process whose own Java work is small, C2's
   * compilations cost more CPU than they save on a box where every stage shares the same cores.
   */
  public static final String QUICK_JIT = "-XX:TieredStopAtLevel=1";

  /** This JVM's own {@code java} launcher. */
  public static Path javaLauncher() {
    return Path.of(System.getProperty("java.home"), "bin", "java");
  }

  /** A {@code java} command on this JVM's own runtime and class path. */
  public static List<String> javaCommand(
      List<String> jvmOptions, String mainClass, List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(javaLauncher().toString());
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(mainClass);
    command.addAll(args);
    return command;
  }
}
