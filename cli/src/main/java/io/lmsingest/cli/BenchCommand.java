package io.lmsingest.cli;

import io.lmsingest.localstack.Ports;
import io.lmsingest.localstack.ServiceProcess;
import io.lmsingest.localstack.StackLayout;
import io.lmsingest.schemas.LearnerActivity;
import io.lmsingest.serde.RegistryAvroSerializer;
import io.lmsingest.serde.RegistrySerdeConfig;
import io.lmsingest.simulator.timeline.ActivityTimeline;
import io.lmsingest.simulator.timeline.TimelineSettings;
import io.lmsingest.sink.SinkApp;
import io.lmsingest.sink.SinkConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ./lms-ingest bench sink}: re-runnable benchmarks on a throw-away local stack. */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Benchmarks on a fresh local stack in a temporary directory (nothing else is touched).",
    subcommands = {BenchCommand.Sink.class, BenchCommand.Loader.class})
final class BenchCommand {

  @Command(name = "loader", mixinStandardHelpOptions = true,
      description = {"Loader COPY+MERGE rows/s on the embedded warehouse next to DuckDB's own ceiling (CREATE TABLE AS SELECT * FROM",
          "read_parquet on the same files) and the naive row-by-row JDBC INSERT, same files, same run. Bronze is written by the sink's",
          "own Parquet writer into an in-process S3 server; each run loads into a fresh DuckDB file."})
  static final class Loader implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;
    @Option(names = "--records", defaultValue = "2000000", description = "Changes in Bronze (default ${DEFAULT-VALUE}).") int records;
    @Option(names = "--runs", defaultValue = "3", description = "Runs; medians are reported (default ${DEFAULT-VALUE}).") int runs;
    @Option(names = "--naive-rows", defaultValue = "20000", description = "Rows the row-by-row INSERT gets (default ${DEFAULT-VALUE}).")
    int naiveRows;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      Path root = Files.createTempDirectory("lms-bench-loader-");
      try (io.lmsingest.localstack.LocalS3Server server = io.lmsingest.localstack.LocalS3Server.startTransient();
          software.amazon.awssdk.services.s3.S3Client s3 = server.endpoint().newClient()) {
        s3.createBucket(b -> b.bucket("bench"));
        long started = System.nanoTime();
        List<io.lmsingest.schemas.BronzeManifest> manifests = BronzeBench.write(s3, "bench", root.resolve("bronze"), records);
        out.printf("wrote %,d changes as %d Bronze files in %.1f s%n", records, manifests.size(), (System.nanoTime() - started) / 1e9);
        out.flush();
        List<double[]> results = new ArrayList<>(); // loader, ceiling, naive (rows/s)
        for (int run = 1; run <= runs; run++) {
          Path dir = root.resolve("run-" + run);
          double loader;
          List<String> staged;
          try (io.lmsingest.loader.warehouse.DuckDbWarehouse warehouse = new io.lmsingest.loader.warehouse.DuckDbWarehouse(
              dir.resolve("loader.duckdb"), s3, "bench", dir.resolve("staging"))) {
            io.lmsingest.loader.warehouse.Migrations.apply(warehouse.connection(), warehouse.dialect());
            io.lmsingest.loader.batch.BatchLoader batchLoader = new io.lmsingest.loader.batch.BatchLoader(warehouse, java.time.Clock.systemUTC());
            long t0 = System.nanoTime();
            long rows = 0;
            for (List<io.lmsingest.schemas.BronzeManifest> batch : new io.lmsingest.loader.batch.BatchCoalescer(1000, 1L << 30).coalesce(manifests)) {
              rows += batchLoader.load(io.lmsingest.loader.batch.MicroBatch.of(batch), false).rowsCopied();
            }
            loader = rows / ((System.nanoTime() - t0) / 1e9);
            staged = BronzeBench.download(s3, "bench", manifests, dir.resolve("files"));
          }
          double ceiling = BronzeBench.ctas(dir.resolve("ceiling.duckdb"), staged, records);
          double naive = BronzeBench.rowByRow(dir.resolve("naive.duckdb"), staged, naiveRows);
          results.add(new double[] {loader, ceiling, naive});
          out.printf("run %d: loader COPY+MERGE %,.0f rows/s | DuckDB CTAS read_parquet %,.0f rows/s | row-by-row INSERT %,.0f rows/s%n",
              run, loader, ceiling, naive);
          out.flush();
        }
        double loader = Sink.median(results, 0);
        double ceiling = Sink.median(results, 1);
        double naive = Sink.median(results, 2);
        out.printf("%nmedian of %d runs, %,d changes, %d Bronze files, %d cores:%n", runs, records, manifests.size(),
            Runtime.getRuntime().availableProcessors());
        out.printf("  loader (S3 fetch + checksum + COPY + quarantine + MERGE + ledger, one transaction): %,.0f rows/s = %.0f%% of the ceiling%n",
            loader, 100 * loader / ceiling);
        out.printf("  ceiling, CREATE TABLE AS SELECT * FROM read_parquet (files already local): %,.0f rows/s%n", ceiling);
        out.printf("  naive row-by-row JDBC INSERT, autocommit (%,d rows): %,.0f rows/s; the loader is %.0fx faster%n", naiveRows, naive,
            loader / naive);
        Sink.deleteTree(root);
        return 0;
      }
    }
  }

  @Command(name = "sink", mixinStandardHelpOptions = true,
      description = {"s3-sink records/s next to Kafka's own consumer ceiling (ConsumerPerformance), same topic, same run.",
          "Fills a topic once (Avro, transactional, like the validator writes v1), then per run: ConsumerPerformance",
          "(read_committed) and the sink as its own process, each from launch to the last offset, with a fresh group."})
  static final class Sink implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;
    @Option(names = "--records", defaultValue = "2000000", description = "Records in the topic (default ${DEFAULT-VALUE}).") int records;
    @Option(names = "--partitions", defaultValue = "12", description = "Partitions (default ${DEFAULT-VALUE}).") int partitions;
    @Option(names = "--runs", defaultValue = "3", description = "Runs; medians are reported (default ${DEFAULT-VALUE}).") int runs;
    @Option(names = "--heap", defaultValue = "256m", description = "-Xmx of both consumers (default ${DEFAULT-VALUE}).") String heap;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      Path root = Files.createTempDirectory("lms-bench-");
      StackLayout layout = new StackLayout(root);
      Properties settings = new Properties();
      for (String port : List.of("kafka.port", "kafka.controller.port", "registry.port", "s3.port", "simulator.port")) {
        settings.setProperty(port, Integer.toString(Ports.free()));
      }
      layout.saveSettings(settings);
      LocalStack stack = new LocalStack(layout, settings);
      String bootstrap = stack.kafka().bootstrapServers();
      try {
        stack.up(out, List.of("kafka", "registry", "s3"));
        String topic = "bench.learner-activity.v1";
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
          admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1), new NewTopic("bench.manifests", 1, (short) 1))).all().get();
          long started = System.nanoTime();
          fill(bootstrap, stack.registry().confluentApiUrl(), topic);
          out.printf("filled %s: %,d records over %d partitions in %.1f s%n", topic, records, partitions, (System.nanoTime() - started) / 1e9);
          out.flush();

          List<double[]> results = new ArrayList<>(); // ConsumerPerformance rec/s, sink rec/s, sink peak RSS MB
          for (int run = 1; run <= runs; run++) {
            double ceiling = consumerPerformance(root, bootstrap, topic, run);
            double[] sink = sink(stack, layout, admin, topic, run);
            results.add(new double[] {ceiling, sink[0], sink[1]});
            out.printf("run %d: ConsumerPerformance %,.0f rec/s | s3-sink %,.0f rec/s (%.0f%% of ceiling), peak RSS %.0f MB%n",
                run, ceiling, sink[0], 100 * sink[0] / ceiling, sink[1]);
            out.flush();
          }
          double ceiling = median(results, 0);
          double sink = median(results, 1);
          out.printf("%nmedian of %d runs, %,d records, %d partitions, -Xmx%s, %d cores:%n", runs, records, partitions, heap,
              Runtime.getRuntime().availableProcessors());
          out.printf("  ConsumerPerformance (read_committed, launch to last record): %,.0f rec/s%n", ceiling);
          out.printf("  s3-sink (launch to every offset committed behind durable Parquet + manifest): %,.0f rec/s = %.0f%% of the ceiling%n",
              sink, 100 * sink / ceiling);
          out.printf("  s3-sink peak RSS: %.0f MB%n", median(results, 2));
        }
        deleteTree(root);
        return 0;
      } finally {
        stack.down(out);
        if (Files.exists(root)) {
          out.println("kept for inspection (logs, data): " + root);
        }
      }
    }

    private void fill(String bootstrap, String registryUrl, String topic) {
      // Back-to-back transactions make the producer retry CONCURRENT_TRANSACTIONS as designed; not worth a screenful.
      org.apache.logging.log4j.core.config.Configurator.setLevel(
          "org.apache.kafka.clients.producer.internals.Sender", org.apache.logging.log4j.Level.ERROR);
      ActivityTimeline timeline = new ActivityTimeline(
          new TimelineSettings(7, Instant.parse("2026-11-01T00:00:00Z"), 5_000_000, OptionalLong.empty(), 0.2, 0.01, 1));
      Map<String, Object> config = new HashMap<>();
      config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
      config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "bench-fill");
      config.put(ProducerConfig.LINGER_MS_CONFIG, 20);
      config.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
      RegistryAvroSerializer<LearnerActivity> values = new RegistryAvroSerializer<>();
      values.configure(Map.of(RegistrySerdeConfig.SCHEMA_REGISTRY_URL, registryUrl), false);
      try (KafkaProducer<String, LearnerActivity> producer = new KafkaProducer<>(config, new StringSerializer(), values)) {
        producer.initTransactions();
        producer.beginTransaction();
        for (long slot = 0; slot < records; slot++) {
          LearnerActivity a = timeline.recordAt(slot);
          producer.send(new ProducerRecord<>(topic, null, a.getUpdatedAt().toEpochMilli(), a.getActivityId(), a));
          if (slot % 50_000 == 49_999) { // transactions as Kafka Streams commits them: markers in every partition
            producer.commitTransaction();
            producer.beginTransaction();
          }
        }
        producer.commitTransaction();
      }
    }

    /** Kafka's own consumer, as its own process, launch to last record: the ceiling for any consumer on this box. */
    private double consumerPerformance(Path root, String bootstrap, String topic, int run) throws Exception {
      try {
        return consumerPerformanceOnce(root, bootstrap, topic, "bench-cp-" + run);
      } catch (ShortRead e) {
        // Seen here: a fresh group's ConsumerPerformance stopping one transaction short and waiting out its timeout. Once more.
        spec.commandLine().getOut().println("ConsumerPerformance fell short (" + e.getMessage() + "); measuring again with a new group");
        return consumerPerformanceOnce(root, bootstrap, topic, "bench-cp-" + run + "-again");
      }
    }

    static final class ShortRead extends IOException {
      ShortRead(String message) {
        super(message);
      }
    }

    private double consumerPerformanceOnce(Path root, String bootstrap, String topic, String group) throws Exception {
      Path config = Files.writeString(root.resolve("cp.properties"), "isolation.level=read_committed\nauto.offset.reset=earliest\n");
      List<String> command = ServiceProcess.javaCommand(List.of("-Xmx" + heap), "org.apache.kafka.tools.ConsumerPerformance",
          List.of("--bootstrap-server", bootstrap, "--topic", topic, "--num-records", Integer.toString(records),
              "--group", group, "--command-config", config.toString(), "--timeout", "30000"));
      long started = System.nanoTime();
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes());
      if (process.waitFor() != 0) {
        throw new IOException("ConsumerPerformance failed: " + output);
      }
      double seconds = (System.nanoTime() - started) / 1e9;
      // Its CSV: start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, ...
      String[] row = output.lines().filter(l -> l.matches("^\\d{4}-.*")).reduce((a, b) -> b)
          .orElseThrow(() -> new IOException("no result line from ConsumerPerformance: " + output)).split(",\\s*");
      long consumed = Long.parseLong(row[4]);
      if (consumed < records) {
        throw new ShortRead("read " + consumed + " of " + records + " records before its timeout");
      }
      return records / seconds;
    }

    /** The sink as its own process with a fresh group and key prefix: records/s and peak RSS. */
    private double[] sink(LocalStack stack, StackLayout layout, Admin admin, String topic, int run) throws Exception {
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
      values.put(SinkConfig.MAX_AGE_MS, "5000"); // a freshness bound; the last files of a partition close by age
      Path config = Files.writeString(layout.root().resolve("sink-" + run + ".properties"),
          values.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("\n")));
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      for (int p = 0; p < partitions; p++) {
        latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
      }
      Map<TopicPartition, Long> ends = admin.listOffsets(latest).all().get().entrySet().stream()
          .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
      List<String> command = ServiceProcess.javaCommand(List.of("-Xmx" + heap, "-XX:+ExitOnOutOfMemoryError"), SinkApp.class.getName(),
          List.of(config.toString()));
      Path log = layout.root().resolve("sink-" + run + ".log");
      long started = System.nanoTime();
      Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      long peakKb = 0;
      try {
        while (true) {
          if (!process.isAlive()) {
            throw new IOException("the sink exited with " + process.exitValue() + "; see " + log);
          }
          var committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
          if (committed.size() == partitions
              && committed.entrySet().stream().allMatch(e -> e.getValue().offset() >= ends.get(e.getKey()))) {
            break;
          }
          peakKb = Math.max(peakKb, peakRssKb(process.pid()));
          Thread.sleep(100);
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        peakKb = Math.max(peakKb, peakRssKb(process.pid()));
        return new double[] {records / seconds, peakKb / 1024.0};
      } finally {
        process.destroy();
        process.waitFor();
      }
    }

    private static long peakRssKb(long pid) {
      try {
        return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream().filter(l -> l.startsWith("VmHWM:"))
            .mapToLong(l -> Long.parseLong(l.replaceAll("[^0-9]", ""))).findFirst().orElse(0);
      } catch (IOException e) {
        return 0; // not Linux, or the process is gone: RSS is reported as 0
      }
    }

    static double median(List<double[]> results, int column) {
      List<Double> sorted = results.stream().map(r -> r[column]).sorted().toList();
      int n = sorted.size();
      return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    static void deleteTree(Path root) throws IOException {
      try (var paths = Files.walk(root)) {
        for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }
}
