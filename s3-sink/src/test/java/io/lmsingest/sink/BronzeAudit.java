package io.lmsingest.sink;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lmsingest.schemas.LearnerActivity;
import io.lmsingest.serde.RegistryAvroSerializer;
import io.lmsingest.serde.RegistrySerdeConfig;
import io.lmsingest.simulator.timeline.ActivityTimeline;
import io.lmsingest.simulator.timeline.TimelineSettings;
import io.lmsingest.testkit.KafkaFixture;
import io.lmsingest.testkit.RegistryFixture;
import io.lmsingest.testkit.S3Fixture;
import io.lmsingest.testkit.WarehouseFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The independent checks every sink test ends with: the topic's offsets read by a plain consumer,
 * Bronze read back by DuckDB, every manifest's facts recomputed from the files it names.
 */
final class BronzeAudit {
  private BronzeAudit() {}

  /**
   * Fills {@code topic} with simulated activities keyed by activity_id, in transactions (so offsets
   * have gaps). Each record's timestamp is its updated_at, so the history starts relative to today:
   * 22:00 three days ago (crossing a midnight, as Bronze's date partitions should), all of it in
   * the past and inside the broker's 7-day retention. It once started at a fixed 2026-11-20 and,
   * ten days later, the broker's retention check deleted segments under the tests (fewer offsets
   * than written, offsets committed past data no file held).
   */
  static final Instant HISTORY_START =
      LocalDate.now(ZoneOffset.UTC)
          .minusDays(2)
          .atStartOfDay(ZoneOffset.UTC)
          .minusHours(2)
          .toInstant();

  static void fillV1(
      KafkaFixture kafka, RegistryFixture registry, String topic, int records, long seed) {
    ActivityTimeline timeline =
        new ActivityTimeline(
            new TimelineSettings(
                seed, HISTORY_START, 2_000_000, OptionalLong.empty(), 0.2, 0.01, 1));
    Map<String, Object> producerConfig = new HashMap<>(kafka.producerConfig());
    producerConfig.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "v1-writer-" + topic);
    producerConfig.put(ProducerConfig.LINGER_MS_CONFIG, 20);
    producerConfig.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    RegistryAvroSerializer<LearnerActivity> serializer = new RegistryAvroSerializer<>();
    serializer.configure(Map.of(RegistrySerdeConfig.SCHEMA_REGISTRY_URL, registry.url()), false);
    try (KafkaProducer<String, LearnerActivity> producer =
        new KafkaProducer<>(producerConfig, new StringSerializer(), serializer)) {
      producer.initTransactions();
      producer.beginTransaction();
      for (long slot = 0; slot < records; slot++) {
        LearnerActivity a = timeline.recordAt(slot);
        producer.send(
            new ProducerRecord<>(
                topic, null, a.getUpdatedAt().toEpochMilli(), a.getActivityId(), a));
        if (slot % 25_000 == 24_999) {
          producer.commitTransaction();
          producer.beginTransaction();
        }
      }
      producer.commitTransaction();
    }
  }

  /** Every "partition/offset" of the topic's committed records. */
  static Set<String> offsetsOf(KafkaFixture kafka, String topic, int records) {
    Set<String> expected = new HashSet<>();
    Map<String, Object> consumerConfig = new HashMap<>(kafka.consumerConfig());
    consumerConfig.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(
            consumerConfig, new StringDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
      while (expected.size() < records && System.nanoTime() < deadline) {
        consumer
            .poll(Duration.ofMillis(500))
            .forEach(r -> expected.add(r.partition() + "/" + r.offset()));
      }
    }
    assertThat(expected).hasSize(records);
    return expected;
  }

  /**
   * Asserts Bronze holds exactly {@code expected}, each offset once (DuckDB read_parquet over the
   * downloaded objects), and that every object is in exactly one manifest whose row count, offset
   * range, size and SHA-256 match it. Returns the number of objects.
   */
  static int assertExactlyOnce(
      S3Fixture s3, WarehouseFixture warehouse, String bucket, Set<String> expected, Path dir)
      throws Exception {
    List<S3Object> objects =
        s3
            .client()
            .listObjectsV2Paginator(b -> b.bucket(bucket).prefix("bronze/"))
            .contents()
            .stream()
            .toList();
    Map<String, Path> local = new HashMap<>();
    for (S3Object o : objects) {
      Path file = dir.resolve("download-" + bucket).resolve(o.key());
      Files.createDirectories(file.getParent());
      s3.client().getObject(b -> b.bucket(bucket).key(o.key()), file);
      local.put(o.key(), file);
    }
    Map<String, long[]> perFile = new HashMap<>(); // key -> rows, min offset, max offset
    Set<String> inBronze = new HashSet<>(expected.size() * 2);
    try (var db = warehouse.connect(warehouse.newDatabase());
        var st = db.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT filename, _kafka_partition, _kafka_offset FROM read_parquet(['"
                    + String.join("','", local.values().stream().map(Path::toString).toList())
                    + "'], filename = true)")) {
      long rows = 0;
      while (rs.next()) {
        rows++;
        inBronze.add(rs.getInt(2) + "/" + rs.getLong(3));
        long offset = rs.getLong(3);
        perFile.merge(
            rs.getString(1),
            new long[] {1, offset, offset},
            (a, b) -> new long[] {a[0] + 1, Math.min(a[1], b[1]), Math.max(a[2], b[2])});
      }
      assertThat(rows).as("no offset twice in Bronze").isEqualTo(inBronze.size());
    }
    assertThat(inBronze).isEqualTo(expected);

    ObjectMapper json = new ObjectMapper();
    Map<String, Integer> filesInManifests = new HashMap<>();
    MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
    for (S3Object m :
        s3.client().listObjectsV2Paginator(b -> b.bucket(bucket).prefix("manifests/")).contents()) {
      JsonNode manifest =
          json.readTree(
              s3.client().getObjectAsBytes(b -> b.bucket(bucket).key(m.key())).asUtf8String());
      for (JsonNode f : manifest.get("files")) {
        String key = f.get("key").asText();
        filesInManifests.merge(key, 1, Integer::sum);
        assertThat(local).as("manifest %s names an object that exists", m.key()).containsKey(key);
        byte[] bytes = Files.readAllBytes(local.get(key));
        assertThat(f.get("checksum").asText())
            .isEqualTo(HexFormat.of().formatHex(sha256.digest(bytes)));
        assertThat(f.get("size_bytes").asLong()).isEqualTo(bytes.length);
        long[] facts = perFile.get(local.get(key).toString());
        assertThat(facts[0]).as("rows of %s", key).isEqualTo(f.get("row_count").asLong());
        assertThat(facts[1]).isEqualTo(f.get("start_offset").asLong());
        assertThat(facts[2]).isEqualTo(f.get("end_offset").asLong());
      }
    }
    assertThat(filesInManifests.keySet())
        .as("no object without a manifest")
        .isEqualTo(local.keySet());
    assertThat(filesInManifests.values())
        .as("every file in exactly one manifest")
        .allMatch(n -> n == 1);
    return objects.size();
  }
}
