package io.lmsingest.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lmsingest.kit.kafka.TopicReader;
import io.lmsingest.loader.warehouse.GroundTruthCheck;
import io.lmsingest.localstack.Ports;
import io.lmsingest.localstack.ServiceProcess;
import io.lmsingest.localstack.StackLayout;
import io.lmsingest.schemas.DlqHeaders;
import io.lmsingest.schemas.ManifestJson;
import io.lmsingest.schemas.Topics;
import io.lmsingest.simulator.SimulatorMain;
import io.lmsingest.simulator.truth.GroundTruth;
import io.lmsingest.stack.LocalStack;
import io.lmsingest.stack.PipelineProbe;
import io.lmsingest.stack.PipelineServices;
import io.lmsingest.testkit.SecretCanary;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
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
  static final long RATE = 5_000_000; // changes per simulated day

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
    settings.setProperty("simulator.rate", Long.toString(RATE));
    // The history ends 180 s (per million changes) from now. Late changes (up to 4 minutes, inside
    // the 5-minute look-back) are hidden from a read that comes before their delay has passed: the
    // poller reaches the last minutes of history during the run however slow the box (with 60 s
    // delays a slow CI box once read them all after their delays, and no change was ever late).
    // The drain then waits up to 4 minutes more for the last of them.
    settings.setProperty(
        "simulator.start",
        Instant.now()
            .minusMillis(RECORDS * 86_400_000L / RATE)
            .plusSeconds(Math.max(180, 180L * RECORDS / 1_000_000))
            .truncatedTo(ChronoUnit.MILLIS)
            .toString());
    settings.setProperty(
        "simulator.faults",
        "--fault-5xx 0.05 --fault-429 0.02 --retry-after 1 --fault-truncated 0.03 --fault-repeat 0.05"
            + " --fault-shuffled 0.05 --fault-late 0.3 --late-ms 240000 --fault-unparsable 0.001"
            + " --fault-stalled 0.005 --stall-ms 60000");
    // A stalled body is given up after 4 s (not the default 30 s), and the look-back re-reads its
    // window every 15 s, to keep the run short.
    settings.setProperty("poller.config.lms.api.timeout.ms", "4000");
    settings.setProperty("poller.config.lms.api.lookback.interval.ms", "15000");
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
      // No service left stalled: each one's loop turns (/health answers 200).
      for (String service : PipelineServices.SERVICES) {
        assertHealthy(services, service);
      }
      out.printf(
          "chaos: simulator counters during the kills %s%n",
          PipelineProbe.simulatorStats(stack, layout));
    } finally {
      services.stopAll();
      stack.down(out);
    }
    out.printf("chaos: SIGKILLs by process %s%n", killed);
    System.out.println(log);

    // Resume and drain: the demo restarts everything from DIR and compares with the ground truth
    // (which leaves out the changes served unparsable).
    drain(dir);
    long bronzeObjects = bronzeObjects(layout);
    String table = tableChecksum(layout);
    assertBronzeHasNoDuplicate(layout);

    // Replay 1: the sink from the earliest offsets. Every object is adopted; Bronze and the
    // warehouse stay as they are.
    assertThat(run("infra", "up", "--data-dir", dir.toString())).isZero();
    try {
      assertDlqHoldsExactlyTheUnparsable(stack, layout);
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
    assertNoSecretAnywhere(layout);
    assertEveryFaultServed(layout);
  }

  /**
   * Every request fault and every record fault was served, summed over the simulator's runs (each
   * prints its counters when it stops).
   */
  static void assertEveryFaultServed(StackLayout layout) throws Exception {
    Map<String, Long> total = new TreeMap<>();
    ObjectMapper json = new ObjectMapper();
    for (String line : Files.readAllLines(layout.logFile("simulator"))) {
      int at = line.indexOf(SimulatorMain.STOPPING_WITH_STATS);
      if (at >= 0) {
        json.readTree(line.substring(at + SimulatorMain.STOPPING_WITH_STATS.length()))
            .fields()
            .forEachRemaining(
                e -> {
                  if (e.getKey().startsWith("fault_") || e.getKey().equals("requests")) {
                    total.merge(e.getKey(), e.getValue().asLong(), Long::sum);
                  }
                });
      }
    }
    System.out.printf("chaos: faults served over the whole run %s%n", total);
    for (String fault :
        List.of(
            "fault_5xx",
            "fault_429",
            "fault_truncated",
            "fault_repeat_boundary",
            "fault_shuffled",
            "fault_late",
            "fault_unparsable",
            "fault_stalled")) {
      assertThat(total.getOrDefault(fault, 0L)).as(fault).isPositive();
    }
  }

  static void assertHealthy(PipelineServices services, String service) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    int status = -1;
    while (System.nanoTime() < deadline) {
      try {
        status = PipelineProbe.get(services.metricsPort(service), "/health").statusCode();
        if (status == 200) {
          return;
        }
      } catch (java.io.IOException e) {
        status = -1; // restarted a moment ago: not listening yet
      }
      Thread.sleep(500);
    }
    throw new AssertionError(service + " is stalled or down: /health answered " + status);
  }

  /**
   * The DLQ holds exactly the changes the API served unparsable (the simulator lists them beside
   * the ground truth), each with the poller's rule, and nothing else.
   */
  static void assertDlqHoldsExactlyTheUnparsable(LocalStack stack, StackLayout layout)
      throws Exception {
    Set<String> expected =
        new HashSet<>(Files.readAllLines(GroundTruth.rejectedList(layout.groundTruth())));
    expected.remove("activity_id,updated_at");
    Set<String> listed = new HashSet<>();
    Map<String, Integer> rules = new TreeMap<>();
    int[] records = {0};
    Map<String, Object> config = new HashMap<>();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers());
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    ObjectMapper json = new ObjectMapper();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      TopicReader.readAll(
          consumer,
          Topics.DLQ,
          Duration.ofMinutes(2),
          r -> {
            records[0]++;
            Header rule = r.headers().lastHeader(DlqHeaders.RULE);
            rules.merge(
                rule == null ? "(none)" : new String(rule.value(), StandardCharsets.UTF_8),
                1,
                Integer::sum);
            try {
              JsonNode value = json.readTree(r.value());
              listed.add(
                  value.path("activity_id").asText()
                      + ","
                      + Instant.parse(value.path("updated_at").asText()));
            } catch (java.io.IOException e) {
              throw new AssertionError("a DLQ record that is not the API's JSON: " + r, e);
            }
          });
    }
    System.out.printf(
        "chaos: DLQ %d record(s), %d distinct change(s), by rule %s; %d served unparsable%n",
        records[0], listed.size(), rules, expected.size());
    assertThat(expected).as("changes served unparsable").isNotEmpty();
    assertThat(rules).containsOnlyKeys(DlqHeaders.UNPARSABLE_RECORD);
    assertThat(listed).as("the DLQ's changes").isEqualTo(expected);
  }

  /**
   * No secret value (the API key, S3's keys) in any file the run left: logs, configs, Kafka's log
   * segments, Bronze, manifests, the warehouse. Only the secret files themselves hold them.
   */
  static void assertNoSecretAnywhere(StackLayout layout) throws Exception {
    List<SecretCanary> canaries = new ArrayList<>();
    for (String name : List.of("lms-api-key", "s3-access-key-id", "s3-secret-access-key")) {
      String value = Files.readString(layout.secretFile(name)).trim();
      assertThat(value).as(name).hasSizeGreaterThan(12);
      canaries.add(new SecretCanary(value.getBytes(StandardCharsets.UTF_8)));
    }
    long scanned = 0;
    try (var files = Files.walk(layout.root())) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        if (file.startsWith(layout.secrets())) {
          continue;
        }
        byte[] content = Files.readAllBytes(file);
        scanned += content.length;
        for (SecretCanary canary : canaries) {
          assertThat(canary.isIn(content)).as("a secret in %s", file).isFalse();
        }
      }
    }
    System.out.printf("chaos: no secret in %,d bytes of files under %s%n", scanned, layout.root());
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
