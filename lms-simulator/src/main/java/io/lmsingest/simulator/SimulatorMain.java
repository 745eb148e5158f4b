package io.lmsingest.simulator;

import io.lmsingest.simulator.api.Faults;
import io.lmsingest.simulator.api.LmsApiServer;
import io.lmsingest.simulator.timeline.ActivityTimeline;
import io.lmsingest.simulator.timeline.TimelineSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The simulator as a process ({@code SimulatorMain [options]}), and {@code ./lms-ingest simulator}:
 * the stand-in for the external LMS API, in the foreground until stopped.
 */
@Command(
    name = "simulator",
    mixinStandardHelpOptions = true,
    description = {
      "Serve a deterministic, simulated LMS learner-activity API (docs/lms-api.md) until stopped.",
      "The API key comes from --api-key-file or $LMS_API_KEY and is never printed."
    })
public final class SimulatorMain implements Callable<Integer> {
  public static void main(String[] args) {
    System.exit(new picocli.CommandLine(new SimulatorMain()).execute(args));
  }

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  /** Printed on stop, followed by the /v1/stats JSON: a run's fault counts survive in its log. */
  public static final String STOPPING_WITH_STATS = "LMS simulator stopping; served:";

  @Option(
      names = "--port",
      defaultValue = "8080",
      description = "Port on 127.0.0.1 (default ${DEFAULT-VALUE}; 0 = any).")
  int port;

  @Option(
      names = "--host",
      defaultValue = "127.0.0.1",
      description = "Address to listen on (default ${DEFAULT-VALUE}; 0.0.0.0 in a container).")
  String host;

  @Option(
      names = "--seed",
      defaultValue = "42",
      description = "Seed of the simulated history (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--rate",
      paramLabel = "PER_DAY",
      defaultValue = "5000000",
      description =
          "Changes per simulated day (default ${DEFAULT-VALUE}; at most 8640000000: 100 per millisecond).")
  long ratePerDay;

  @Option(
      names = "--days",
      paramLabel = "D",
      defaultValue = "1",
      description =
          "Days of history already there at start (backfill), then live at --rate (default ${DEFAULT-VALUE}).")
  double days;

  @Option(
      names = "--records",
      paramLabel = "N",
      description = "Serve exactly N changes in total, then nothing more (default: endless).")
  Long records;

  @Option(
      names = "--start",
      paramLabel = "INSTANT",
      description =
          "Time of the first change (default: midnight UTC today minus --days). Fix it to get the same history across restarts.")
  Instant start;

  @Option(
      names = "--update-share",
      defaultValue = TimelineSettings.DEFAULT_UPDATE_SHARE,
      description = "Share of changes that are late updates (default ${DEFAULT-VALUE}).")
  double updateShare;

  @Option(
      names = "--delete-share",
      defaultValue = TimelineSettings.DEFAULT_DELETE_SHARE,
      description = "Approximate share of deletes (default ${DEFAULT-VALUE}).")
  double deleteShare;

  @Option(
      names = "--max-late-days",
      defaultValue = TimelineSettings.DEFAULT_MAX_LATE_DAYS,
      description = "Latest an update may come after creation (default ${DEFAULT-VALUE}).")
  double maxLateDays;

  @Option(
      names = "--max-page-size",
      defaultValue = "1000",
      description = "Largest page served (default ${DEFAULT-VALUE}).")
  int maxPageSize;

  @Option(
      names = "--api-key-file",
      paramLabel = "FILE",
      description = "File holding the API key clients must send.")
  Path apiKeyFile;

  @Option(
      names = "--ground-truth",
      paramLabel = "FILE",
      description =
          "Enable POST /v1/admin/ground-truth, which writes the latest version of every served activity here (Parquet).")
  Path groundTruth;

  @Option(
      names = "--fault-429",
      defaultValue = "0",
      description = "Share of requests answered 429 with Retry-After.")
  double fault429;

  @Option(
      names = "--retry-after",
      defaultValue = "1",
      description = "Retry-After seconds of those 429s (default ${DEFAULT-VALUE}).")
  int retryAfter;

  @Option(
      names = "--fault-5xx",
      defaultValue = "0",
      description = "Share of requests answered 500/503.")
  double fault5xx;

  @Option(
      names = "--fault-slow",
      defaultValue = "0",
      description = "Share of requests delayed by --slow-ms.")
  double faultSlow;

  @Option(
      names = "--slow-ms",
      defaultValue = "2000",
      description = "Delay of slow responses (default ${DEFAULT-VALUE}).")
  int slowMs;

  @Option(
      names = "--fault-truncated",
      defaultValue = "0",
      description = "Share of pages cut off mid-JSON.")
  double faultTruncated;

  @Option(
      names = "--fault-repeat",
      defaultValue = "0",
      description = "Share of cursor pages that repeat the previous page's last record.")
  double faultRepeat;

  @Option(
      names = "--fault-late",
      defaultValue = "0",
      description =
          "Share of changes that become visible only up to --late-ms after their updated_at (clock skew, replica lag).")
  double faultLate;

  @Option(
      names = "--late-ms",
      defaultValue = "30000",
      description = "Longest delay of those late changes (default ${DEFAULT-VALUE}).")
  int lateMs;

  @Option(
      names = "--fault-shuffled",
      defaultValue = "0",
      description = "Share of pages served out of (updated_at, activity_id) order.")
  double faultShuffled;

  @Option(
      names = "--fault-minimal-deletes",
      defaultValue = "0",
      description = "Share of deletes served with only activity_id, updated_at and is_deleted.")
  double faultMinimalDeletes;

  @Option(
      names = "--fault-unparsable",
      defaultValue = "0",
      description =
          "Share of changes served with a value no activity can hold (score \"n/a\", a duration past 32 bits, a status object); the ground truth leaves them out and lists them beside it.")
  double faultUnparsable;

  @Option(
      names = "--fault-stalled",
      defaultValue = "0",
      description =
          "Share of pages whose body stops mid-page and trickles a space every 200 ms for --stall-ms (a half-open connection).")
  double faultStalled;

  @Option(
      names = "--stall-ms",
      defaultValue = "120000",
      description =
          "How long a stalled body trickles before it goes on (default ${DEFAULT-VALUE}).")
  int stallMs;

  @Override
  public Integer call() throws Exception {
    String apiKey = apiKey();
    Instant first = start != null ? start : defaultStart(days);
    TimelineSettings timeline;
    Faults faults;
    try {
      timeline =
          new TimelineSettings(
              seed,
              first,
              ratePerDay,
              records == null ? OptionalLong.empty() : OptionalLong.of(records),
              updateShare,
              deleteShare,
              maxLateDays);
      faults =
          new Faults(
              fault429,
              retryAfter,
              fault5xx,
              faultSlow,
              slowMs,
              faultTruncated,
              faultRepeat,
              faultLate,
              faultLate > 0 ? lateMs : 0,
              faultShuffled,
              faultMinimalDeletes,
              faultUnparsable,
              faultStalled,
              faultStalled > 0 ? stallMs : 0);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    CountDownLatch stopped = new CountDownLatch(1);
    try (LmsApiServer api =
        LmsApiServer.start(
            new ActivityTimeline(timeline),
            host,
            port,
            maxPageSize,
            apiKey,
            faults,
            Clock.systemUTC())) {
      if (groundTruth != null) {
        api.withGroundTruthTarget(groundTruth);
      }
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    // In the hook: the JVM does not wait for main once it is shutting down.
                    spec.commandLine()
                        .getOut()
                        .printf("%s %s%n", STOPPING_WITH_STATS, api.statsJson());
                    spec.commandLine().getOut().flush();
                    stopped.countDown();
                  },
                  "simulator-stop"));
      spec.commandLine()
          .getOut()
          .printf(
              "LMS simulator at %s (history starts %s, %d changes/day, %s)%n",
              api.baseUrl(),
              first,
              ratePerDay,
              records == null ? "endless" : records + " changes in total");
      spec.commandLine().getOut().flush();
      stopped.await();
    }
    return 0;
  }

  /**
   * Midnight UTC today minus {@code days}: the same all day, so a restart today replays the same
   * history.
   */
  public static Instant defaultStart(double days) {
    Instant midnight = Instant.now().truncatedTo(ChronoUnit.DAYS);
    return midnight.minus(Duration.ofMillis((long) (days * 86_400_000L)));
  }

  private String apiKey() throws IOException {
    if (apiKeyFile != null) {
      if (!Files.isReadable(apiKeyFile)) {
        throw new ParameterException(
            spec.commandLine(), "--api-key-file " + apiKeyFile + " is not a readable file");
      }
      return Files.readString(apiKeyFile, StandardCharsets.UTF_8).trim();
    }
    String fromEnv = System.getenv("LMS_API_KEY");
    if (fromEnv == null || fromEnv.isBlank()) {
      throw new ParameterException(
          spec.commandLine(), "no API key: pass --api-key-file FILE or set LMS_API_KEY");
    }
    return fromEnv.trim();
  }
}
