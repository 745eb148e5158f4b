package io.lmsingest.bench;

import io.lmsingest.kit.kafka.GroupLag;
import io.lmsingest.kit.runtime.ProcessWorkDir;
import io.lmsingest.localstack.ServiceProcess;
import io.lmsingest.localstack.StackLayout;
import io.lmsingest.schemas.LearnerActivity;
import io.lmsingest.serde.RegistryAvroSerializer;
import io.lmsingest.serde.RegistrySerdeConfig;
import io.lmsingest.simulator.timeline.ActivityTimeline;
import io.lmsingest.simulator.timeline.TimelineSettings;
import io.lmsingest.sink.SinkApp;
import io.lmsingest.sink.SinkConfig;
import io.lmsingest.stack.LocalStack;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;

/**
 * s3-sink records/s next to Kafka's own consumer ceiling (ConsumerPerformance), same topic, same
 * run: fills a topic once (Avro, transactional, like the validator writes v1), then per run
 * ConsumerPerformance (read_committed) and the sink as its own process, each from launch to the
 * last offset, with a fresh group, on a throw-away local stack.
 */
public final class SinkBench {
  private final PrintWriter out;
  private final int records;
  private final int partitions;
  private final int runs;
  private final String heap;

  public SinkBench(PrintWriter out, int records, int partitions, int runs, String heap) {
    this.out = out;
    this.records = records;
    this.partitions = partitions;
    this.runs = runs;
    this.heap = heap;
  }

  public int run() throws Exception {
    double yardstick = CpuYardstick.seconds();
    Path root = Files.createTempDirectory("lms-bench-");
    StackLayout layout = new StackLayout(root);
    Properties settings = BenchStats.freePorts();
    layout.saveSettings(settings);
    LocalStack stack = new LocalStack(layout, settings);
    String bootstrap = stack.kafka().bootstrapServers();
    boolean measured = false;
    try {
      stack.up(out, List.of("kafka", "registry", "s3"));
      String topic = "bench.learner-activity.v1";
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
        admin
            .createTopics(
                List.of(
                    new NewTopic(topic, partitions, (short) 1),
                    new NewTopic("bench.manifests", 1, (short) 1)))
            .all()
            .get();
        long started = System.nanoTime();
        fill(bootstrap, stack.registry().confluentApiUrl(), topic);
        out.printf(
            "filled %s: %,d records over %d partitions in %.1f s%n",
            topic, records, partitions, (System.nanoTime() - started) / 1e9);
        out.flush();

        List<double[]> results =
            new ArrayList<>(); // ConsumerPerformance rec/s, sink rec/s, peak RSS MB, CPU s
        for (int run = 1; run <= runs; run++) {
          double ceiling =
              KafkaPerformance.consumer(
                  out, root, bootstrap, topic, records, heap, "bench-cp-" + run);
          double[] sink = sink(stack, layout, admin, topic, run);
          results.add(new double[] {ceiling, sink[0], sink[1], sink[2]});
          out.printf(
              "run %d: ConsumerPerformance %,.0f rec/s | s3-sink %,.0f rec/s (%.0f%% of ceiling), peak RSS %.0f MB, CPU %.1f s (%.1f µs/record)%n",
              run,
              ceiling,
              sink[0],
              100 * sink[0] / ceiling,
              sink[1],
              sink[2],
              1e6 * sink[2] / records);
          out.flush();
        }
        double ceiling = BenchStats.median(results, 0);
        double sink = BenchStats.median(results, 1);
        out.printf(
            "%nmedian of %d runs, %,d records, %d partitions, -Xmx%s, %d cores:%n",
            runs, records, partitions, heap, Runtime.getRuntime().availableProcessors());
        out.printf(
            "  ConsumerPerformance (read_committed, launch to last record): %,.0f rec/s%n",
            ceiling);
        out.printf(
            "  s3-sink (launch to every offset committed behind durable Parquet + manifest): %,.0f rec/s = %.0f%% of the ceiling%n",
            sink, 100 * sink / ceiling);
        out.printf("  s3-sink peak RSS: %.0f MB%n", BenchStats.median(results, 2));
        // CPU per record is steadier than the rate on a shared 2-core box: it leaves out waiting.
        out.printf(
            "  s3-sink CPU: %.1f s = %.1f µs per record (start-up included)%n",
            BenchStats.median(results, 3), 1e6 * BenchStats.median(results, 3) / records);
        out.printf("  %s%n", CpuYardstick.describe(yardstick, CpuYardstick.seconds()));
      }
      measured = true;
      return 0;
    } finally {
      // The stack first: it finds its processes by the pid files under root. Deleting root first
      // left the S3 server and the registry running after every successful bench (seen 2026-12-06).
      stack.down(out);
      if (measured) {
        ProcessWorkDir.deleteTree(root);
      } else {
        out.println("kept for inspection (logs, data): " + root);
      }
    }
  }

  /**
   * The fill's history: 5M changes a day from two days before {@code now}. Each record's Kafka
   * timestamp is its updated_at, so the history must lie in the past and inside the broker's 7-day
   * retention. It once started at a fixed 2026-11-01; on 2026-12-06 the broker's retention check
   * deleted every partition's first segment (the first transaction) in the middle of a bench, and
   * ConsumerPerformance read 1,950,000 of 2,000,000 records, twice.
   */
  static TimelineSettings fillHistory(Instant now) {
    return new TimelineSettings(
        7,
        now.truncatedTo(ChronoUnit.HOURS).minus(Duration.ofDays(2)),
        5_000_000,
        OptionalLong.empty(),
        0.2,
        0.01,
        1);
  }

  private void fill(String bootstrap, String registryUrl, String topic) {
    // Back-to-back transactions make the producer retry CONCURRENT_TRANSACTIONS as designed; not
    // worth a screenful.
    Configurator.setLevel("org.apache.kafka.clients.producer.internals.Sender", Level.ERROR);
    ActivityTimeline timeline = new ActivityTimeline(fillHistory(Instant.now()));
    Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "bench-fill");
    config.put(ProducerConfig.LINGER_MS_CONFIG, 20);
    config.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    RegistryAvroSerializer<LearnerActivity> values = new RegistryAvroSerializer<>();
    values.configure(Map.of(RegistrySerdeConfig.SCHEMA_REGISTRY_URL, registryUrl), false);
    try (KafkaProducer<String, LearnerActivity> producer =
        new KafkaProducer<>(config, new StringSerializer(), values)) {
      producer.initTransactions();
      producer.beginTransaction();
      for (long slot = 0; slot < records; slot++) {
        LearnerActivity a = timeline.recordAt(slot);
        producer.send(
            new ProducerRecord<>(
                topic, null, a.getUpdatedAt().toEpochMilli(), a.getActivityId(), a));
        if (slot % 50_000
            == 49_999) { // transactions as Kafka Streams commits them: markers in every partition
          producer.commitTransaction();
          producer.beginTransaction();
        }
      }
      producer.commitTransaction();
    }
  }

  /**
   * The sink as its own process with a fresh group and key prefix: records/s, peak RSS MB, CPU s.
   */
  private double[] sink(LocalStack stack, StackLayout layout, Admin admin, String topic, int run)
      throws Exception {
    String group = "bench-sink-" + run;
    Map<String, String> values = new HashMap<>();
    values.put(SinkConfig.BOOTSTRAP_SERVERS, stack.kafka().bootstrapServers());
    values.put(SinkConfig.REGISTRY_URL, stack.registry().confluentApiUrl());
    values.put(SinkConfig.GROUP_ID, group);
    values.put(SinkConfig.TOPIC, topic);
    values.put(SinkConfig.MANIFEST_TOPIC, "bench.manifests");
    values.put(SinkConfig.BUCKET, StackLayout.BUCKET);
    values.put(SinkConfig.ENDPOINT, stack.s3().uri().toString());
    values.put(SinkConfig.PATH_STYLE, "true");
    values.put(SinkConfig.ACCESS_KEY_ID, "file:" + layout.secretFile("s3-access-key-id"));
    values.put(SinkConfig.SECRET_ACCESS_KEY, "file:" + layout.secretFile("s3-secret-access-key"));
    values.put(SinkConfig.BRONZE_PREFIX, "bench-" + run + "/bronze/learner_activity");
    values.put(SinkConfig.MANIFEST_PREFIX, "bench-" + run + "/manifests/learner_activity");
    values.put(SinkConfig.STAGING_DIR, layout.root().resolve("staging-" + run).toString());
    values.put(
        SinkConfig.MAX_AGE_MS,
        "5000"); // a freshness bound; the last files of a partition close by age
    Path config =
        Files.writeString(
            layout.root().resolve("sink-" + run + ".properties"),
            values.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining("\n")));
    List<String> command =
        ServiceProcess.javaCommand(
            List.of("-Xmx" + heap, "-XX:+ExitOnOutOfMemoryError"),
            SinkApp.class.getName(),
            List.of(config.toString()));
    Path log = layout.root().resolve("sink-" + run + ".log");
    long started = System.nanoTime();
    Process process =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    long[] usage = {0, 0}; // VmHWM bytes, CPU ticks: the last reading while it ran
    try {
      while (true) {
        if (!process.isAlive()) {
          throw new IOException("the sink exited with " + process.exitValue() + "; see " + log);
        }
        if (GroupLag.caughtUp(admin, group, topic)) {
          break;
        }
        usage = latest(usage, process.pid());
        Thread.sleep(100);
      }
      double seconds = (System.nanoTime() - started) / 1e9;
      usage = latest(usage, process.pid());
      return new double[] {
        records / seconds, usage[0] / (1024.0 * 1024), usage[1] / ProcessSampler.TICKS_PER_SECOND
      };
    } finally {
      process.destroy();
      process.waitFor();
    }
  }

  private static long[] latest(long[] previous, long pid) {
    long[] now = ProcessSampler.read(pid);
    return now == null ? previous : now;
  }
}
