package io.lmsingest.bench;

import io.lmsingest.localstack.ClassDataArchives;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Samples every process of a local stack once a second from /proc: its peak resident set (VmHWM,
 * which the kernel keeps, so a spike between samples still counts, native memory included) and its
 * CPU time. A service started twice (the demo restarts the loader to compare) adds up.
 *
 * <p>A process started with {@value ClassDataArchives#RECORDING_OPTION} (the first start after a
 * build records its class-data archive) writes that archive when it exits, which raised a service's
 * peak by up to ~300 MB on this box; such a peak is marked, so it is not read as the service's own
 * working set.
 */
public final class ProcessSampler implements AutoCloseable {
  /** What one service used over the run. */
  public record Usage(long peakRssBytes, double cpuSeconds, boolean recordedArchive) {}

  static final double TICKS_PER_SECOND = 100.0; // USER_HZ on Linux

  private final Function<String, OptionalLong> pidOf;
  private final List<String> services;
  private final Map<String, Map<Long, long[]>> seen =
      new TreeMap<>(); // service -> pid -> {hwm, ticks}
  private final Map<String, Boolean> recorded = new TreeMap<>();
  private final Thread thread;
  private volatile boolean running = true;

  /** {@code pidOf}: the running process of a service, if any (read again at every sample). */
  public ProcessSampler(Function<String, OptionalLong> pidOf, List<String> services) {
    this.pidOf = pidOf;
    this.services = services;
    this.thread = new Thread(this::loop, "process-sampler");
    thread.setDaemon(true);
    thread.start();
  }

  /** Whether /proc can be read here (Linux); elsewhere the usage columns stay empty. */
  public static boolean supported() {
    return Files.isReadable(Path.of("/proc/self/status"));
  }

  private void loop() {
    while (running) {
      sampleOnce();
      try {
        Thread.sleep(1000);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  synchronized void sampleOnce() {
    for (String service : services) {
      OptionalLong running = pidOf.apply(service);
      if (running.isEmpty()) {
        continue;
      }
      long pid = running.getAsLong();
      long[] now = read(pid);
      if (now == null) {
        continue; // exited between reading the pid and /proc
      }
      long[] kept = seen.computeIfAbsent(service, s -> new LinkedHashMap<>()).get(pid);
      if (kept == null) {
        seen.get(service).put(pid, now);
        recorded.merge(service, recordsArchive(pid), Boolean::logicalOr);
      } else {
        kept[0] = Math.max(kept[0], now[0]);
        kept[1] = Math.max(kept[1], now[1]);
      }
    }
  }

  /** {VmHWM bytes, utime+stime ticks}, or null once the process is gone. */
  static long[] read(long pid) {
    try {
      long hwm = -1;
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (line.startsWith("VmHWM:")) {
          hwm = Long.parseLong(line.replaceAll("\\D", "")) * 1024;
        }
      }
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      // Fields after the command name (which may hold spaces) start after the last ')'.
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
      long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
      return hwm < 0 ? null : new long[] {hwm, ticks};
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** True if the process was started with {@value ClassDataArchives#RECORDING_OPTION}. */
  static boolean recordsArchive(long pid) {
    try {
      String commandLine = Files.readString(Path.of("/proc/" + pid + "/cmdline"));
      for (String argument : commandLine.split("\0")) {
        if (argument.startsWith(ClassDataArchives.RECORDING_OPTION)) {
          return true;
        }
      }
      return false;
    } catch (IOException e) {
      return false; // gone already: its peak is what was sampled
    }
  }

  /** Per service: the largest peak of its processes, and their CPU seconds added up. */
  public synchronized Map<String, Usage> usage() {
    Map<String, Usage> result = new LinkedHashMap<>();
    for (String service : services) {
      Map<Long, long[]> pids = seen.get(service);
      if (pids == null) {
        continue;
      }
      long peak = pids.values().stream().mapToLong(v -> v[0]).max().orElse(0);
      double cpu = pids.values().stream().mapToLong(v -> v[1]).sum() / TICKS_PER_SECOND;
      result.put(service, new Usage(peak, cpu, recorded.getOrDefault(service, false)));
    }
    return result;
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    thread.interrupt();
    thread.join(5000);
  }
}
