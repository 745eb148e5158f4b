package io.lmsingest.sink;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lmsingest.schemas.LearnerActivity;
import io.lmsingest.serde.RegistryAvroSerializer;
import io.lmsingest.serde.RegistrySerdeConfig;
import io.lmsingest.simulator.timeline.ActivityTimeline;
import io.lmsingest.simulator.timeline.TimelineSettings;
import io.lmsingest.testkit.IntegrationTest;
import io.lmsingest.testkit.KafkaFixture;
import io.lmsingest.testkit.RegistryFixture;
import io.lmsingest.testkit.S3Fixture;
import io.lmsingest.testkit.WarehouseFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.model.S3Object;

@IntegrationTest
class BronzeSinkIT {
  static final int RECORDS = Integer.getInteger("lms.it.sink.records", 300_000);

  @Test
  void crashedAndRestartedTheSinkStillWritesEveryOffsetExactlyOnceWithOneManifestPerFile(
      KafkaFixture kafka, RegistryFixture registry, S3Fixture s3, WarehouseFixture warehouse, @TempDir Path dir) throws Exception {
    String topic = kafka.createTopic("v1", 6);
    String manifestTopic = kafka.createTopic("manifests", 1);
    String bucket = s3.newBucket();
    String group = "sink-" + UUID.randomUUID();
    Map<String, Object> serde = Map.of(RegistrySerdeConfig.SCHEMA_REGISTRY_URL, registry.url());

    // v1: simulated activities, keyed by activity_id, written transactionally (so offsets have gaps).
    ActivityTimeline timeline = new ActivityTimeline(
        new TimelineSettings(41, Instant.parse("2026-11-20T22:00:00Z"), 2_000_000, OptionalLong.empty(), 0.2, 0.01, 1));
    Map<String, Object> producerConfig = new HashMap<>(kafka.producerConfig());
    producerConfig.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "v1-writer-" + group);
    producerConfig.put(ProducerConfig.LINGER_MS_CONFIG, 20);
    RegistryAvroSerializer<LearnerActivity> serializer = new RegistryAvroSerializer<>();
    serializer.configure(serde, false);
    try (KafkaProducer<String, LearnerActivity> producer = new KafkaProducer<>(producerConfig, new StringSerializer(), serializer)) {
      producer.initTransactions();
      producer.beginTransaction();
      for (long slot = 0; slot < RECORDS; slot++) {
        LearnerActivity a = timeline.recordAt(slot);
        producer.send(new ProducerRecord<>(topic, null, a.getUpdatedAt().toEpochMilli(), a.getActivityId(), a));
        if (slot % 25_000 == 24_999) {
          producer.commitTransaction();
          producer.beginTransaction();
        }
      }
      producer.commitTransaction();
    }

    Random random = new Random(5);
    long started = System.nanoTime();
    long adoptedDuringCrashes = 0;
    for (int crash = 0; crash < 12; crash++) {
      BronzeSink sink = sink(kafka, registry, s3, bucket, topic, manifestTopic, group, dir);
      Thread thread = new Thread(sink::run, "sink-" + crash);
      thread.start();
      Thread.sleep(300 + random.nextInt(700));
      sink.stop(); // lands wherever the loop is: mid-file, or between upload/manifest and the commit
      thread.join(30_000);
      sink.close();
      adoptedDuringCrashes += sink.metrics().get("lms_sink_files_adopted_total");
    }
    BronzeSink last = sink(kafka, registry, s3, bucket, topic, manifestTopic, group, dir);
    Thread thread = new Thread(last::run, "sink-final");
    thread.start();
    kafka.awaitCommittedToEnd(group, topic, Duration.ofMinutes(4));
    long millis = (System.nanoTime() - started) / 1_000_000;
    last.stop();
    thread.join(30_000);
    last.close();
    System.out.printf("sink: %d records with 12 crashes in %d ms; %d files adopted after crashes%n", RECORDS, millis, adoptedDuringCrashes);

    // Every (partition, offset) of the topic, read independently.
    Set<String> expected = new HashSet<>();
    Map<String, Object> consumerConfig = new HashMap<>(kafka.consumerConfig());
    consumerConfig.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(consumerConfig, new StringDeserializer(),
        new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
      while (expected.size() < RECORDS && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(500)).forEach(r -> expected.add(r.partition() + "/" + r.offset()));
      }
    }
    assertThat(expected).hasSize(RECORDS);

    // Bronze, read back with DuckDB: each offset exactly once.
    List<S3Object> objects = s3.client().listObjectsV2Paginator(b -> b.bucket(bucket).prefix("bronze/")).contents().stream().toList();
    Map<String, Path> local = new HashMap<>();
    for (S3Object o : objects) {
      Path file = dir.resolve("download").resolve(o.key());
      Files.createDirectories(file.getParent());
      Files.write(file, s3.client().getObjectAsBytes(b -> b.bucket(bucket).key(o.key())).asByteArray());
      local.put(o.key(), file);
    }
    Set<String> inBronze = new HashSet<>();
    try (var db = warehouse.connect(warehouse.newDatabase()); var st = db.createStatement();
        ResultSet rs = st.executeQuery("SELECT _kafka_partition, _kafka_offset FROM read_parquet(['"
            + String.join("','", local.values().stream().map(Path::toString).toList()) + "'])")) {
      int rows = 0;
      while (rs.next()) {
        rows++;
        inBronze.add(rs.getInt(1) + "/" + rs.getLong(2));
      }
      assertThat(rows).as("no offset twice in Bronze").isEqualTo(inBronze.size());
    }
    assertThat(inBronze).isEqualTo(expected);

    // Manifests: every file in exactly one, counts and checksums right.
    ObjectMapper json = new ObjectMapper();
    Map<String, Integer> filesInManifests = new HashMap<>();
    for (S3Object m : s3.client().listObjectsV2Paginator(b -> b.bucket(bucket).prefix("manifests/")).contents()) {
      JsonNode manifest = json.readTree(s3.client().getObjectAsBytes(b -> b.bucket(bucket).key(m.key())).asUtf8String());
      for (JsonNode f : manifest.get("files")) {
        String key = f.get("key").asText();
        filesInManifests.merge(key, 1, Integer::sum);
        byte[] bytes = Files.readAllBytes(local.get(key));
        assertThat(f.get("checksum").asText()).isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)));
        assertThat(f.get("size_bytes").asLong()).isEqualTo(bytes.length);
        try (var db = warehouse.connect(warehouse.newDatabase()); var st = db.createStatement();
            ResultSet rs = st.executeQuery("SELECT count(*), min(_kafka_offset), max(_kafka_offset) FROM read_parquet('" + local.get(key) + "')")) {
          rs.next();
          assertThat(rs.getLong(1)).isEqualTo(f.get("row_count").asLong());
          assertThat(rs.getLong(2)).isEqualTo(f.get("start_offset").asLong());
          assertThat(rs.getLong(3)).isEqualTo(f.get("end_offset").asLong());
        }
      }
    }
    assertThat(filesInManifests.keySet()).isEqualTo(local.keySet());
    assertThat(filesInManifests.values()).allMatch(n -> n == 1);

    // Replay: reset the group to the beginning and run again. Every file is found and adopted;
    // Bronze and the manifests stay exactly as they are.
    int objectsBefore = objects.size();
    int manifestsBefore = filesInManifests.size();
    kafka.admin().alterConsumerGroupOffsets(group, expected.stream().map(po -> Integer.parseInt(po.split("/")[0])).distinct()
        .collect(java.util.stream.Collectors.toMap(p -> new org.apache.kafka.common.TopicPartition(topic, p),
            p -> new org.apache.kafka.clients.consumer.OffsetAndMetadata(0)))).all().get();
    BronzeSink replay = sink(kafka, registry, s3, bucket, topic, manifestTopic, group, dir);
    Thread replayThread = new Thread(replay::run, "sink-replay");
    replayThread.start();
    kafka.awaitCommittedToEnd(group, topic, Duration.ofMinutes(4));
    replay.stop();
    replayThread.join(30_000);
    replay.close();
    assertThat(replay.metrics().get("lms_sink_files_total")).as("nothing new written on replay").isZero();
    assertThat(replay.metrics().get("lms_sink_files_adopted_total")).isEqualTo(objectsBefore);
    assertThat(s3.client().listObjectsV2Paginator(b -> b.bucket(bucket).prefix("bronze/")).contents().stream().count()).isEqualTo(objectsBefore);
    assertThat(s3.client().listObjectsV2Paginator(b -> b.bucket(bucket).prefix("manifests/")).contents().stream().count())
        .isEqualTo(manifestsBefore);
  }

  /** A sink built the way the service builds it: from its config (S3 keys as file: secret references). */
  static BronzeSink sink(KafkaFixture kafka, RegistryFixture registry, S3Fixture s3, String bucket, String topic, String manifestTopic,
      String group, Path dir) throws java.io.IOException {
    Path keyId = Files.writeString(dir.resolve("s3-key-id"), s3.endpoint().accessKeyId());
    Path secret = Files.writeString(dir.resolve("s3-secret"), s3.endpoint().secretAccessKey());
    Map<String, Object> values = new HashMap<>();
    values.put(SinkConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
    values.put(SinkConfig.REGISTRY_URL, registry.url());
    values.put(SinkConfig.GROUP_ID, group);
    values.put(SinkConfig.TOPIC, topic);
    values.put(SinkConfig.MANIFEST_TOPIC, manifestTopic);
    values.put(SinkConfig.BUCKET, bucket);
    values.put(SinkConfig.ENDPOINT, s3.endpoint().uri().toString());
    values.put(SinkConfig.PATH_STYLE, "true");
    values.put(SinkConfig.ACCESS_KEY_ID, "file:" + keyId);
    values.put(SinkConfig.SECRET_ACCESS_KEY, "file:" + secret);
    values.put(SinkConfig.STAGING_DIR, dir.resolve("staging").toString());
    values.put(SinkConfig.MAX_RECORDS, "10000");
    values.put(SinkConfig.MAX_AGE_MS, "1000");
    values.put(SinkConfig.ROW_GROUP_BYTES, Long.toString(4L << 20));
    return SinkApp.create(new SinkConfig(values), Clock.systemUTC());
  }
}
