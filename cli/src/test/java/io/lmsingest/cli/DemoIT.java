package io.lmsingest.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.lmsingest.kit.config.ServiceConfigFile;
import io.lmsingest.loader.warehouse.GroundTruthCheck;
import io.lmsingest.localstack.Ports;
import io.lmsingest.localstack.StackLayout;
import io.lmsingest.schemas.BronzeLayout;
import io.lmsingest.testkit.PrometheusText;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The main job through the real command line: every service its own process, drained, checked by
 * independent readers.
 */
@Tag("integration")
class DemoIT {
  static final int RECORDS = Integer.getInteger("lms.it.demo.records", 60_000);

  @Test
  void demoUntilDrainedEqualsTheGroundTruthAndASecondDemoResumesWithoutLoadingTwice(
      @TempDir Path dir) throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                "demo",
                // --days with --until-drained: exactly that history, ending now, at the default
                // rate
                "--days",
                Double.toString(RECORDS / 5_000_000.0),
                "--until-drained",
                "--timeout",
                "10",
                "--progress-interval",
                "2",
                "--data-dir",
                dir.toString()));
    for (String option :
        List.of(
            "--kafka-port",
            "--kafka-controller-port",
            "--registry-port",
            "--s3-port",
            "--simulator-port")) {
      args.add(option);
      args.add(Integer.toString(Ports.free()));
    }
    StringWriter out = new StringWriter();
    CommandLine cli = LmsIngest.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(out, true));
    CompletableFuture<Integer> demo =
        CompletableFuture.supplyAsync(() -> cli.execute(args.toArray(String[]::new)));
    Set<String> answered = everyServiceAnswersItsEndpoints(new StackLayout(dir), demo);
    int exit = demo.get(15, TimeUnit.MINUTES);
    System.out.println(out);
    assertThat(answered)
        .as("services whose /metrics, /health and /ready answered during the demo")
        .containsExactlyInAnyOrder("poller", "validator", "sink", "loader");
    assertThat(exit).as(out.toString()).isZero();
    assertThat(out.toString())
        .contains("drained: ANALYTICS_READY equals the ground truth")
        .contains("fetched");

    StackLayout layout = new StackLayout(dir);
    long ledgerRows;
    String checksum;
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + layout.warehouse());
        Statement st = c.createStatement()) {
      GroundTruthCheck.Result result = GroundTruthCheck.compare(c, layout.groundTruth());
      assertThat(result.exact()).as("%s", result).isTrue();
      assertThat(result.truthRows()).isPositive();
      // Bronze as plain files: every v1 offset exactly once.
      Path bronze = layout.s3Store().resolve(StackLayout.BUCKET).resolve("bronze");
      try (ResultSet rs =
          st.executeQuery(
              "SELECT COUNT(*), COUNT(DISTINCT (_kafka_partition, _kafka_offset)) FROM read_parquet('"
                  + bronze
                  + "/**/*.parquet')")) {
        rs.next();
        assertThat(rs.getLong(1)).isEqualTo(rs.getLong(2)).isEqualTo(RECORDS);
      }
      ledgerRows = DuckCount.of(st, "SELECT COUNT(*) FROM load_ledger");
      checksum = DuckCount.checksum(st);
    }
    assertThat(
            Files.list(
                    layout
                        .s3Store()
                        .resolve(StackLayout.BUCKET)
                        .resolve(BronzeLayout.MANIFEST_PREFIX))
                .count())
        .isPositive();

    // A second demo on the same directory: resumes, finds everything loaded, loads nothing twice.
    StringWriter again = new StringWriter();
    CommandLine second = LmsIngest.commandLine();
    second.setOut(new PrintWriter(again, true));
    second.setErr(new PrintWriter(again, true));
    assertThat(
            second.execute(
                "demo",
                "--until-drained",
                "--timeout",
                "5",
                "--progress-interval",
                "2",
                "--data-dir",
                dir.toString()))
        .as(again.toString())
        .isZero();
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + layout.warehouse());
        Statement st = c.createStatement()) {
      assertThat(DuckCount.of(st, "SELECT COUNT(*) FROM load_ledger")).isEqualTo(ledgerRows);
      assertThat(DuckCount.checksum(st)).isEqualTo(checksum);
    }
  }

  /**
   * While the demo runs, asks each service's own endpoint (its port is in the config the demo
   * wrote): /health and /ready answer 200 and /metrics carries the service's own
   * lms_&lt;service&gt;_ series.
   */
  /** The metrics of docs/operations.md, per service. */
  static final Map<String, List<String>> DOCUMENTED =
      Map.of(
          "poller",
          List.of(
              "lms_poller_pages_total",
              "lms_poller_records_total",
              "lms_poller_records_rejected_total",
              "lms_poller_api_seconds_total",
              "lms_poller_retries_total",
              "lms_poller_cursor_lag_seconds",
              "lms_poller_alerts_total",
              "lms_poller_alerts_failed_total"),
          "validator",
          List.of(
              "lms_validator_records_in_total",
              "lms_validator_records_valid_total",
              "lms_validator_records_dlq_total",
              "lms_validator_thread_failures_total",
              "lms_validator_offsets_expired_total",
              "lms_validator_alerts_total"),
          "sink",
          List.of(
              "lms_sink_records_total",
              "lms_sink_files_total",
              "lms_sink_files_adopted_total",
              "lms_sink_file_rows_total",
              "lms_sink_upload_seconds_total",
              "lms_sink_failures_total",
              "lms_sink_offsets_expired_total",
              "lms_sink_open_files",
              "lms_sink_buffered_bytes",
              "lms_sink_assigned_partitions",
              "lms_sink_alerts_total"),
          "loader",
          List.of(
              "lms_loader_batches_total",
              "lms_loader_batches_skipped_total",
              "lms_loader_files_total",
              "lms_loader_rows_copied_total",
              "lms_loader_rows_inserted_total",
              "lms_loader_rows_updated_total",
              "lms_loader_rows_unchanged_total",
              "lms_loader_rows_quarantined_total",
              "lms_loader_copy_seconds_total",
              "lms_loader_merge_seconds_total",
              "lms_loader_failures_total",
              "lms_loader_freshness_seconds",
              "lms_loader_last_batch_timestamp_seconds",
              "lms_loader_last_batch_files",
              "lms_loader_last_batch_rows",
              "lms_loader_alerts_total"));

  static Set<String> everyServiceAnswersItsEndpoints(
      StackLayout layout, CompletableFuture<Integer> demo) throws Exception {
    Set<String> answered = new HashSet<>();
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    while (!demo.isDone() && answered.size() < 4) {
      for (String service : List.of("poller", "validator", "sink", "loader")) {
        Path config = layout.run().resolve(service + ".properties");
        if (answered.contains(service) || !Files.exists(config)) {
          continue;
        }
        String port = ServiceConfigFile.read(config).get("metrics.port");
        try {
          int health = get(http, port, "/health").statusCode();
          HttpResponse<String> ready = get(http, port, "/ready");
          String metrics = get(http, port, "/metrics").body();
          // Must parse as Prometheus text (a malformed scrape fails the test at once) and hold the
          // metrics docs/operations.md documents.
          Set<String> families = PrometheusText.parse(metrics).keySet();
          if (health == 200
              && ready.statusCode() == 200
              && families.containsAll(DOCUMENTED.get(service))) {
            answered.add(service);
          }
        } catch (IOException e) {
          // starting or restarting: asked again next round
        }
      }
      Thread.sleep(500);
    }
    return answered;
  }

  private static HttpResponse<String> get(HttpClient http, String port, String path)
      throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(5))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static final class DuckCount {
    static long of(Statement st, String sql) throws Exception {
      try (ResultSet rs = st.executeQuery(sql)) {
        rs.next();
        return rs.getLong(1);
      }
    }

    static String checksum(Statement st) throws Exception {
      try (ResultSet rs =
          st.executeQuery("SELECT COUNT(*), bit_xor(hash(a)) FROM analytics_ready a")) {
        rs.next();
        return rs.getLong(1) + ":" + rs.getString(2);
      }
    }
  }
}
