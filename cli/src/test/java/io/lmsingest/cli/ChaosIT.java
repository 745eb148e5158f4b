package io.lmsingest.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.lmsingest.loader.warehouse.GroundTruthCheck;
import io.lmsingest.localstack.Ports;
import io.lmsingest.localstack.ServiceProcess;
import io.lmsingest.localstack.StackLayout;
import io.lmsingest.schemas.ManifestJson;
import io.lmsingest.stack.LocalStack;
import io.lmsingest.stack.PipelineServices;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * End to end under chaos: API faults on, random pipeline services killed with SIGKILL and
 * restarted, repeatedly; then drained, compared with the ground truth, and replayed both ways.
 */
@Tag("integration")
class ChaosIT {
  static final int RECORDS = Integer.getInteger("lms.it.chaos.records", 1_000_000);
  static final int KILLS = Integer.getInteger("lms.it.chaos.kills", 12);

  @Test
  void killedServicesAndApiFaultsStillGiveExactlyTheGroundTruthAndBothReplaysChangeNothing(
      @TempDir Path dir) throws Exception {
    StackLayout layout = new StackLayout(dir);
    Properties settings = new Properties();
    for (String port :
        new String[] {
          "kafka.port", "kafka.controller.port", "registry.port", "s3.port", "simulator.port"
        }) {
      settings.setProperty(port, Integer.toString(Ports.free()));
    }
    settings.setProperty("simulator.records", Integer.toString(RECORDS));
    settings.setProperty(
        "simulator.faults",
        "--fault-5xx 0.05 --fault-429 0.02 --retry-after 1 --fault-truncated 0.03 --fault-repeat 0.05"
            + " --fault-shuffled 0.05");
    new StackOptions().settle(settings);
    layout.saveSettings(settings);
    LocalStack stack = new LocalStack(layout, settings);
    PipelineServices services = new PipelineServices(stack, layout);
    StringWriter log = new StringWriter();
    PrintWriter out = new PrintWriter(log, true);
    Random random = new Random(17);
    // The pipeline's services and the infrastructure they stand on (broker, registry, S3).
    List<String> victims = new ArrayList<>(PipelineServices.SERVICES);
    victims.addAll(List.of("kafka", "registry", "s3"));
    Map<String, Integer> killed = new TreeMap<>();
    Instant midway = null;
    try {
      stack.up(out);
      for (String service : PipelineServices.SERVICES) {
        services.start(service);
      }
      for (int kill = 0; kill < KILLS; kill++) {
        Thread.sleep(4_000 + random.nextInt(6_000));
        if (kill == KILLS / 2) {
          midway = Instant.now();
        }
        String victim = victims.get(random.nextInt(victims.size()));
        boolean infrastructure = !PipelineServices.SERVICES.contains(victim);
        ServiceProcess process =
            (infrastructure ? stack.running(victim) : services.running(victim))
                .orElseThrow(() -> new AssertionError(victim + " is not running"));
        ProcessHandle.of(process.pid()).ifPresent(ProcessHandle::destroyForcibly); // SIGKILL
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (ProcessHandle.of(process.pid()).map(ProcessHandle::isAlive).orElse(false)
            && System.nanoTime() < deadline) {
          Thread.sleep(50);
        }
        out.printf("chaos: killed %s (pid %d)%n", victim, process.pid());
        killed.merge(victim, 1, Integer::sum);
        if (infrastructure) {
          stack.up(out, List.of(victim));
        } else {
          services.start(victim);
        }
      }
    } finally {
      services.stopAll();
      stack.down(out);
    }
    out.printf("chaos: SIGKILLs by process %s%n", killed);
    System.out.println(log);

    // Resume and drain: the demo restarts everything from DIR and compares with the ground truth.
    drain(dir);
    long bronzeObjects = bronzeObjects(layout);
    String table = tableChecksum(layout);
    assertBronzeHasNoDuplicate(layout);

    // Replay 1: the sink from the earliest offsets. Every object is adopted; Bronze and the
    // warehouse stay as they are.
    assertThat(run("infra", "up", "--data-dir", dir.toString())).isZero();
    try {
      assertThat(run("replay", "sink", "--to-earliest", "--data-dir", dir.toString())).isZero();
    } finally {
      run("infra", "down", "--data-dir", dir.toString());
    }
    drain(dir);
    assertThat(bronzeObjects(layout)).isEqualTo(bronzeObjects);
    assertThat(tableChecksum(layout)).isEqualTo(table);
    assertBronzeHasNoDuplicate(layout);

    // Replay 1b: the sink to a datetime in the middle of the run: offsets inside existing files.
    assertThat(run("infra", "up", "--data-dir", dir.toString())).isZero();
    try {
      assertThat(
              run(
                  "replay",
                  "sink",
                  "--to-datetime",
                  String.valueOf(midway),
                  "--data-dir",
                  dir.toString()))
          .isZero();
    } finally {
      run("infra", "down", "--data-dir", dir.toString());
    }
    drain(dir);
    assertThat(bronzeObjects(layout))
        .as("no new object from a mid-file replay")
        .isEqualTo(bronzeObjects);
    assertThat(tableChecksum(layout)).isEqualTo(table);
    assertBronzeHasNoDuplicate(layout);
    assertEveryManifestInTheLedger(layout);

    // Replay 2: the warehouse is lost; with the API (simulator) stopped, replay loader rebuilds it
    // from S3 alone.
    Files.delete(layout.warehouse());
    assertThat(run("infra", "up", "--data-dir", dir.toString())).isZero();
    try {
      ServiceProcess simulator =
          ServiceProcess.running(
                  "simulator", layout.pidFile("simulator"), layout.logFile("simulator"))
              .orElseThrow();
      simulator.stop(Duration.ofSeconds(20));
      assertThat(
              run(
                  "replay",
                  "loader",
                  "--config",
                  layout.run().resolve("loader.properties").toString()))
          .isZero();
    } finally {
      run("infra", "down", "--data-dir", dir.toString());
    }
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + layout.warehouse())) {
      GroundTruthCheck.Result result = GroundTruthCheck.compare(c, layout.groundTruth());
      assertThat(result.exact()).as("%s", result).isTrue();
    }
  }

  /** The demo restarts everything from DIR, drains, and compares with the ground truth. */
  static void drain(Path dir) {
    assertThat(
            run(
                "demo",
                "--until-drained",
                "--timeout",
                "20",
                "--progress-interval",
                "5",
                "--data-dir",
                dir.toString()))
        .isZero();
  }

  static int run(String... args) {
    StringWriter text = new StringWriter();
    CommandLine cli = LmsIngest.commandLine();
    cli.setOut(new PrintWriter(text, true));
    cli.setErr(new PrintWriter(text, true));
    int exit = cli.execute(args);
    System.out.println("$ lms-ingest " + String.join(" ", args) + "\n" + text);
    return exit;
  }

  static long bronzeObjects(StackLayout layout) throws Exception {
    try (var files = Files.walk(layout.s3Store().resolve(StackLayout.BUCKET).resolve("bronze"))) {
      return files.filter(f -> f.toString().endsWith(".parquet")).count();
    }
  }

  static void assertBronzeHasNoDuplicate(StackLayout layout) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT COUNT(*), COUNT(DISTINCT (_kafka_partition, _kafka_offset)) FROM read_parquet('"
                    + layout.s3Store().resolve(StackLayout.BUCKET).resolve("bronze")
                    + "/**/*.parquet')")) {
      rs.next();
      assertThat(rs.getLong(1))
          .as("no duplicate (partition, offset) in Bronze")
          .isEqualTo(rs.getLong(2))
          .isPositive();
    }
  }

  /** Every file named by a manifest in S3 is in LOAD_LEDGER (nothing in Bronze left unloaded). */
  static void assertEveryManifestInTheLedger(StackLayout layout) throws Exception {
    Set<String> named = new HashSet<>();
    try (var files =
        Files.walk(layout.s3Store().resolve(StackLayout.BUCKET).resolve("manifests"))) {
      for (Path f : files.filter(f -> f.toString().endsWith(".json")).toList()) {
        ManifestJson.read(Files.readString(f), f.toString())
            .getFiles()
            .forEach(file -> named.add(file.getKey()));
      }
    }
    Set<String> ledger = new HashSet<>();
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + layout.warehouse());
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT file_key FROM load_ledger")) {
      while (rs.next()) {
        ledger.add(rs.getString(1));
      }
    }
    assertThat(named).isNotEmpty();
    assertThat(ledger).as("every S3 manifest's files in LOAD_LEDGER").containsAll(named);
  }

  static String tableChecksum(StackLayout layout) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + layout.warehouse());
        Statement st = c.createStatement()) {
      return DemoIT.DuckCount.checksum(st)
          + "/"
          + DemoIT.DuckCount.of(st, "SELECT COUNT(*) FROM load_ledger");
    }
  }
}
