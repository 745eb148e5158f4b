package io.lmsingest.bench;

import io.lmsingest.kit.kafka.TopicReader;
import io.lmsingest.localstack.StackLayout;
import io.lmsingest.schemas.LearnerActivity;
import io.lmsingest.schemas.Topics;
import io.lmsingest.simulator.timeline.ActivityTimeline;
import io.lmsingest.simulator.timeline.TimelineSettings;
import io.lmsingest.sink.bronze.BronzeParquetWriter;
import io.lmsingest.stack.LocalStack;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * What this box can do at best for each stage, measured on the data of the run just made: Kafka's
 * ProducerPerformance at the raw topic's mean record size (key and value), ConsumerPerformance over
 * the v1 topic, Parquet encoding of the same changes to local disk (the sink's own writer), and
 * DuckDB's CREATE TABLE AS SELECT * FROM read_parquet of the run's Bronze files.
 */
record StageCeilings(
    int rawRecordBytes,
    double producerPerSecond,
    double consumerPerSecond,
    double encodingPerSecond,
    double ctasPerSecond) {

  static final int ROWS_PER_FILE = 500_000;

  static StageCeilings measure(StackLayout layout, long records, PrintWriter out) throws Exception {
    Properties settings = layout.loadSettings();
    LocalStack stack = new LocalStack(layout, settings);
    stack.up(out, List.of("kafka"));
    int recordBytes;
    double producer;
    double consumer;
    try (Admin admin =
        Admin.create(Map.of("bootstrap.servers", stack.kafka().bootstrapServers()))) {
      recordBytes = meanRecordBytes(stack.kafka().bootstrapServers(), Topics.RAW);
      int partitions =
          admin
              .describeTopics(List.of(Topics.RAW))
              .allTopicNames()
              .get()
              .get(Topics.RAW)
              .partitions()
              .size();
      admin
          .createTopics(List.of(new NewTopic("bench.ceiling.producer", partitions, (short) 1)))
          .all()
          .get();
      String heap = "256m";
      Path dir = Files.createDirectories(layout.root().resolve("ceilings"));
      producer =
          KafkaPerformance.producer(
              stack.kafka().bootstrapServers(),
              "bench.ceiling.producer",
              records,
              recordBytes,
              heap);
      consumer =
          KafkaPerformance.consumer(
              out,
              dir,
              stack.kafka().bootstrapServers(),
              Topics.V1,
              records,
              heap,
              "bench-ceiling");
    } finally {
      stack.down(out);
    }
    double encoding = encoding(settings, records, layout.root().resolve("ceilings/parquet"));
    double ctas = ctas(layout, records);
    return new StageCeilings(recordBytes, producer, consumer, encoding, ctas);
  }

  /** Mean key + value bytes of the first records of each partition of {@code topic}. */
  private static int meanRecordBytes(String bootstrap, String topic) {
    long[] sum = {0, 0};
    Map<String, Object> config =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrap,
            ConsumerConfig.ISOLATION_LEVEL_CONFIG,
            "read_committed");
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> until = new HashMap<>();
      consumer
          .endOffsets(partitions)
          .forEach((tp, end) -> until.put(tp, Math.min(end, consumer.position(tp) + 5_000)));
      TopicReader.readUpTo(
          consumer,
          until,
          Duration.ofMinutes(1),
          topic,
          r -> {
            sum[0] += Math.max(0, r.serializedKeySize()) + Math.max(0, r.serializedValueSize());
            sum[1]++;
          });
    }
    return (int) Math.max(1, sum[0] / Math.max(1, sum[1]));
  }

  /**
   * The same changes the simulator served (same seed, start and rate), encoded by the sink's own
   * Parquet writer into local files of {@value #ROWS_PER_FILE} rows: changes/s of the encoding
   * alone (the time to make the records, measured first, is taken off).
   */
  private static double encoding(Properties settings, long records, Path dir) throws Exception {
    ActivityTimeline timeline =
        new ActivityTimeline(
            TimelineSettings.withDefaultShares(
                Long.parseLong(settings.getProperty("simulator.seed")),
                Instant.parse(settings.getProperty("simulator.start")),
                Long.parseLong(settings.getProperty("simulator.rate")),
                OptionalLong.of(records)));
    Schema schema = LearnerActivity.getClassSchema();
    long made = System.nanoTime();
    long sink = 0;
    for (long slot = 0; slot < records; slot++) {
      sink += toRecord(timeline.recordAt(slot), schema).hashCode() & 1;
    }
    double making = (System.nanoTime() - made) / 1e9;
    Files.createDirectories(dir);
    long started = System.nanoTime();
    BronzeParquetWriter writer = null;
    long files = 0;
    for (long slot = 0; slot < records; slot++) {
      if (writer == null) {
        writer = new BronzeParquetWriter(dir, "ceiling", "ceiling", (int) files++, schema, 8 << 20);
      }
      LearnerActivity a = timeline.recordAt(slot);
      writer.write(toRecord(a, schema), slot, a.getUpdatedAt().toEpochMilli());
      if (writer.rows() >= ROWS_PER_FILE) {
        writer.complete();
        writer.close();
        writer = null;
      }
    }
    if (writer != null) {
      writer.complete();
      writer.close();
    }
    double total = (System.nanoTime() - started) / 1e9;
    if (sink < 0) {
      throw new IllegalStateException(
          "unreachable: keeps the making pass from being optimised out");
    }
    return records / Math.max(0.001, total - making);
  }

  /** A change as the v1 topic's generic record carries it (timestamps as epoch millis). */
  static GenericData.Record toRecord(LearnerActivity a, Schema schema) {
    GenericData.Record record = new GenericData.Record(schema);
    for (Schema.Field f : schema.getFields()) {
      Object value = a.get(f.pos());
      record.put(f.pos(), value instanceof Instant i ? i.toEpochMilli() : value);
    }
    return record;
  }

  /** DuckDB's CTAS over the run's own Bronze files (as the local S3 server stores them). */
  private static double ctas(StackLayout layout, long records) throws Exception {
    List<String> files;
    try (var walk = Files.walk(layout.s3Store().resolve(StackLayout.BUCKET).resolve("bronze"))) {
      files =
          walk.filter(f -> f.toString().endsWith(".parquet"))
              .map(Path::toString)
              .sorted()
              .collect(Collectors.toList());
    }
    return BronzeBench.ctas(layout.root().resolve("ceilings/ctas.duckdb"), files, records);
  }
}
