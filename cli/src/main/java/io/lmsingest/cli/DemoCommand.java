package io.lmsingest.cli;

import io.lmsingest.loader.warehouse.GroundTruthCheck;
import io.lmsingest.localstack.StackLayout;
import io.lmsingest.stack.LocalStack;
import io.lmsingest.stack.PipelineProbe;
import io.lmsingest.stack.PipelineServices;
import io.lmsingest.stack.Progress;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ./lms-ingest demo}: the whole pipeline on the embedded default, with live progress. */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Start the local stack (Kafka, schema registry, S3 server, LMS simulator) and the four services (poller, validator,",
      "sink, loader), each its own process, and show progress. Without flags: one LMS day (5,000,000 changes) backfilled, then",
      "live at 5M/day until Ctrl-C. With --until-drained: exit 0 once ANALYTICS_READY equals the simulator's ground truth.",
      "A second demo on the same DIR resumes where the first stopped; nothing is loaded twice."
    })
final class DemoCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;
  @Mixin DataDirOption data;
  @Mixin StackOptions stackOptions;

  @Option(
      names = "--until-drained",
      description =
          "Stop once ANALYTICS_READY equals the ground truth of everything served (needs --records).")
  boolean untilDrained;

  @Option(
      names = "--timeout",
      paramLabel = "MINUTES",
      defaultValue = "30",
      description =
          "With --until-drained: give up (non-zero exit) after this long (default ${DEFAULT-VALUE}).")
  int timeoutMinutes;

  @Option(
      names = "--progress-interval",
      paramLabel = "SECONDS",
      defaultValue = "5",
      description = "Seconds between progress lines.")
  int interval;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    StackLayout layout = data.layout();
    Properties settings = layout.loadSettings();
    stackOptions.settle(settings);
    if (untilDrained) {
      stackOptions.finiteHistoryFromDays(settings);
    }
    if (untilDrained && !settings.containsKey("simulator.records")) {
      spec.commandLine()
          .getErr()
          .println(
              "--until-drained needs a finite history: give --records N or --days D (on the first demo of this DIR)");
      return 2;
    }
    layout.saveSettings(settings);
    LocalStack stack = new LocalStack(layout, settings);
    PipelineServices services = new PipelineServices(stack, layout);
    AtomicBoolean interrupted = new AtomicBoolean();
    AtomicReference<Admin> progressAdmin = new AtomicReference<>();
    Thread hook =
        new Thread(
            () -> {
              interrupted.set(true);
              // Close the progress client first: once the broker is gone it would only warn.
              Admin admin = progressAdmin.getAndSet(null);
              if (admin != null) {
                admin.close(Duration.ofSeconds(2));
              }
              shutdown(stack, services, new PrintWriter(System.out, true));
            },
            "demo-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    long started = System.nanoTime();
    try {
      stack.up(out);
      for (String service : PipelineServices.SERVICES) {
        out.printf(
            "%-10s running (pid %d), log %s%n",
            service, services.start(service).pid(), layout.logFile(service));
      }
      out.flush();
      long target = Long.parseLong(settings.getProperty("simulator.records", "-1"));
      long deadline = System.nanoTime() + Duration.ofMinutes(timeoutMinutes).toNanos();
      DrainWatch watch = new DrainWatch(target, Duration.ofSeconds(interval));
      GroundTruthWrite truth = null;
      try (Admin admin =
          Admin.create(Map.of("bootstrap.servers", stack.kafka().bootstrapServers()))) {
        progressAdmin.set(admin);
        while (!interrupted.get()) {
          Thread.sleep(watch.nextReading().toMillis());
          Progress p = Progress.read(stack, services, layout, admin);
          out.printf(
              "[%5ds] fetched %,d%s | lag: validator %s, sink %s, loader %s | merged %,d rows | newest change %s old | dlq %,d%n",
              (System.nanoTime() - started) / 1_000_000_000,
              p.served(),
              target > 0 ? " / " + String.format("%,d", target) : "",
              lag(p.lag("validator")),
              lag(p.lag("sink")),
              lag(p.lag("loader")),
              p.merged(),
              p.freshnessMs() < 0 ? "– (nothing merged yet)" : p.freshnessMs() / 1000 + " s",
              p.dlq());
          out.flush();
          for (String service : PipelineServices.SERVICES) {
            if (services.running(service).isEmpty()) {
              spec.commandLine()
                  .getErr()
                  .printf(
                      "%s stopped unexpectedly; last lines of %s:%n%s%n",
                      service, layout.logFile(service), tail(layout.logFile(service)));
              return 1;
            }
          }
          if (!untilDrained) {
            continue;
          }
          DrainWatch.Step step = watch.after(p.served(), p.drained());
          if (step != DrainWatch.Step.WAIT && truth == null) {
            // Everything is served, so the ground truth is final: it is written while the
            // drain is confirmed, and once.
            truth = GroundTruthWrite.start(stack, layout);
          }
          if (step == DrainWatch.Step.COMPARE) {
            // The loader holds DuckDB's write lock: stop it to compare, start it again if not done.
            services.stop("loader");
            truth.await();
            GroundTruthCheck.Result result = compare(layout);
            if (result.exact()) {
              summary(out, stack, layout, started, result);
              return 0;
            }
            out.printf("not equal yet (%s); the loader goes on%n", result);
            services.start("loader");
            watch.notEqualYet();
          }
          if (System.nanoTime() > deadline) {
            spec.commandLine()
                .getErr()
                .printf(
                    "not drained after %d minutes: the warehouse does not equal the ground truth yet;"
                        + " see the logs in %s%n",
                    timeoutMinutes, layout.logs());
            return 1;
          }
        }
      }
      return 0;
    } finally {
      if (!interrupted.get()) {
        Runtime.getRuntime().removeShutdownHook(hook);
        shutdown(stack, services, out);
      }
    }
  }

  /** A lag, or why it is not known yet (a group has committed nothing before its first batch). */
  static String lag(long lag) {
    return lag < 0 ? "– (no commit yet)" : String.format("%,d", lag);
  }

  private static void shutdown(LocalStack stack, PipelineServices services, PrintWriter out) {
    try {
      services.stopAll();
      stack.down(out);
    } catch (IOException e) {
      out.println(
          "could not stop everything: "
              + e.getMessage()
              + " (./lms-ingest infra down stops the rest)");
    }
    out.flush();
  }

  private static GroundTruthCheck.Result compare(StackLayout layout) throws Exception {
    try (Connection c = PipelineProbe.warehouse(layout)) {
      return GroundTruthCheck.compare(c, layout.groundTruth());
    }
  }

  /** The simulator writing its ground truth, on a thread of its own. */
  private record GroundTruthWrite(FutureTask<Void> written) {
    static GroundTruthWrite start(LocalStack stack, StackLayout layout) {
      FutureTask<Void> task =
          new FutureTask<>(
              () -> {
                PipelineProbe.writeGroundTruth(stack, layout);
                return null;
              });
      Thread writer = new Thread(task, "ground-truth-write");
      writer.setDaemon(true);
      writer.start();
      return new GroundTruthWrite(task);
    }

    /** Waits for the write; rethrows what it failed with. */
    void await() throws Exception {
      try {
        written.get();
      } catch (ExecutionException e) {
        throw e.getCause() instanceof Exception cause ? cause : e;
      }
    }
  }

  private void summary(
      PrintWriter out,
      LocalStack stack,
      StackLayout layout,
      long started,
      GroundTruthCheck.Result result)
      throws Exception {
    double seconds = (System.nanoTime() - started) / 1e9;
    try (Connection c = PipelineProbe.warehouse(layout);
        Statement st = c.createStatement()) {
      long files;
      long batches;
      try (ResultSet rs =
          st.executeQuery("SELECT COUNT(*), COUNT(DISTINCT batch_id) FROM load_ledger")) {
        rs.next();
        files = rs.getLong(1);
        batches = rs.getLong(2);
      }
      out.printf(
          "%ndrained: ANALYTICS_READY equals the ground truth: %,d activities (%s)%n",
          result.truthRows(), result);
      out.printf(
          "  %,d Bronze files in %,d loader batches; %.0f s wall clock (%.0f activities/s end to end, stack start included)%n",
          files, batches, seconds, result.truthRows() / seconds);
      try (ResultSet rs =
          st.executeQuery(
              "SELECT quantile_cont(epoch_ms(ingested_at) - epoch_ms(_kafka_timestamp), [0.5, 0.95, 0.99])"
                  + " FROM analytics_ready")) {
        rs.next();
        out.printf(
            "  API served -> queryable (ingested_at - the poller's Kafka timestamp) p50/p95/p99 ms: %s%n",
            rs.getString(1));
      }
    }
    out.printf(
        "  warehouse: %s   (./lms-ingest sql \"SELECT COUNT(*) FROM analytics_ready\" --data-dir %s)%n",
        layout.warehouse(), layout.root());
    out.printf(
        "  Bronze + manifests: %s/%s/{bronze,manifests}/learner_activity/   ground truth: %s%n",
        layout.s3Store(), StackLayout.BUCKET, layout.groundTruth());
    out.printf("  logs: %s%n", layout.logs());
  }

  private static String tail(Path log) {
    try {
      var lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }
}
