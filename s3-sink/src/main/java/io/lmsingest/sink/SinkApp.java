package io.lmsingest.sink;

import io.lmsingest.kit.alert.AlertChannels;
import io.lmsingest.kit.alert.AlertSender;
import io.lmsingest.kit.alert.Alerts;
import io.lmsingest.kit.alert.LagAlarm;
import io.lmsingest.kit.aws.S3Clients;
import io.lmsingest.kit.config.RegistryAccess;
import io.lmsingest.kit.kafka.TopicBootstrap;
import io.lmsingest.kit.kafka.TopicSettings;
import io.lmsingest.kit.metrics.ServiceMetrics;
import io.lmsingest.kit.runtime.ProcessWorkDir;
import io.lmsingest.kit.runtime.ServiceRunner;
import io.lmsingest.kit.secrets.ServiceSecrets;
import io.lmsingest.serde.RegistryAvroDeserializer;
import io.lmsingest.serde.RegistryAvroSerializer;
import io.lmsingest.serde.RegistrySerdeConfig;
import io.lmsingest.sink.bronze.BronzeCoverage;
import io.lmsingest.sink.commit.BronzeCommitter;
import io.lmsingest.sink.commit.ManifestAnnouncer;
import io.lmsingest.sink.commit.OffsetBook;
import io.lmsingest.sink.manifest.ManifestPublisher;
import io.lmsingest.sink.rotation.FlushPlan;
import io.lmsingest.sink.rotation.RotationPolicy;
import io.lmsingest.sink.upload.BronzeUploader;
import io.lmsingest.sink.upload.Encryption;
import io.lmsingest.sink.upload.TopicIncarnation;
import io.lmsingest.sink.write.BronzeWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.IndexedRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Builds a {@link BronzeSink} from its config: the S3 client, the consumer, the manifest producer.
 */
public final class SinkApp {
  private SinkApp() {}

  /**
   * The sink as a process: {@code SinkApp <config.properties>} (LMS_* environment overrides apply).
   */
  public static void main(String[] args) {
    ServiceRunner.main("sink", args, SinkConfig::load, config -> create(config, Clock.systemUTC()));
  }

  /**
   * Runs until SIGTERM (uncommitted work is simply read again on the next start); returns the exit
   * code.
   */
  public static int runUntilStopped(SinkConfig config) {
    return ServiceRunner.run(config, c -> create(c, Clock.systemUTC()));
  }

  public static BronzeSink create(SinkConfig config, Clock clock, AlertSender... moreAlertChannels)
      throws Exception {
    ServiceSecrets secrets = ServiceSecrets.of(config, clock);
    ServiceMetrics metrics = new ServiceMetrics();
    Alerts alerts = AlertChannels.of(config, secrets, metrics, clock, moreAlertChannels);
    S3Client s3 = S3Clients.create(config, secrets);
    String bucket = config.getString(SinkConfig.BUCKET);
    String kmsKey = config.getString(SinkConfig.SSE_KMS_KEY_ID);
    Encryption encryption =
        "kms".equals(config.getString(SinkConfig.SSE))
            ? Encryption.sseKms(kmsKey.isEmpty() ? null : kmsKey)
            : Encryption.sseS3();
    Map<String, Object> kafka = config.kafkaClientConfig();
    if (config.getBoolean(SinkConfig.CREATE_TOPICS)) {
      TopicBootstrap.ensure(
          kafka,
          List.of(
              TopicSettings.of(config)
                  .retained(config.getString(SinkConfig.MANIFEST_TOPIC), Optional.of(1))));
    }

    Map<String, Object> consumerConfig = new HashMap<>(kafka);
    consumerConfig.put(ConsumerConfig.GROUP_ID_CONFIG, config.getString(SinkConfig.GROUP_ID));
    consumerConfig.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    consumerConfig.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    // The sink resets positions itself (BronzeSink): from the beginning for a new group, and with
    // an alert where retention deleted records it had not read.
    consumerConfig.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
    consumerConfig.putIfAbsent(
        ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
        CooperativeStickyAssignor.class.getName());
    consumerConfig.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
    Map<String, Object> serde = RegistryAccess.serdeConfig(config, secrets);
    RegistryAvroDeserializer<GenericRecord> values = new RegistryAvroDeserializer<>();
    Map<String, Object> valueSerde = new HashMap<>(serde);
    // The sink passes strings on to Parquet as bytes: no detour through java.lang.String.
    valueSerde.put(RegistrySerdeConfig.GENERIC_UTF8_STRINGS, true);
    values.configure(valueSerde, false);

    Map<String, Object> producerConfig = new HashMap<>(kafka);
    producerConfig.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
    RegistryAvroSerializer<IndexedRecord> manifests = new RegistryAvroSerializer<>();
    manifests.configure(serde, false);

    LagAlarm lagAlarm =
        LagAlarm.start(
            config,
            config.getString(SinkConfig.GROUP_ID),
            config.getString(SinkConfig.TOPIC),
            alerts,
            clock);
    KafkaProducer<String, IndexedRecord> producer =
        new KafkaProducer<>(producerConfig, new StringSerializer(), manifests);
    TopicIncarnation incarnation = new TopicIncarnation(kafka, config.getString(SinkConfig.TOPIC));
    BronzeCommitter committer =
        new BronzeCommitter(
            new BronzeUploader(
                s3,
                bucket,
                encryption,
                config.getLong(SinkConfig.MULTIPART_THRESHOLD),
                config.getInt(SinkConfig.PART_BYTES),
                incarnation),
            new ManifestPublisher(
                s3, bucket, config.getString(SinkConfig.MANIFEST_PREFIX), encryption),
            ManifestAnnouncer.kafka(producer, config.getString(SinkConfig.MANIFEST_TOPIC)),
            clock);
    BronzeWriter writer =
        new BronzeWriter(
            config.getString(SinkConfig.TOPIC),
            ProcessWorkDir.claim(Path.of(config.getString(SinkConfig.STAGING_DIR))),
            config.getString(SinkConfig.BRONZE_PREFIX),
            config.getLong(SinkConfig.ROW_GROUP_BYTES),
            committer,
            clock);
    FlushPlan plan =
        new FlushPlan(
            new RotationPolicy(
                config.getLong(SinkConfig.MAX_RECORDS),
                config.getLong(SinkConfig.MAX_BYTES),
                Duration.ofMillis(config.getLong(SinkConfig.MAX_AGE_MS))),
            config.getLong(SinkConfig.MEMORY_BUDGET));
    return new BronzeSink(
        new KafkaConsumer<>(consumerConfig, new StringDeserializer(), values),
        writer,
        plan,
        new OffsetBook(clock),
        new BronzeCoverage(
            s3,
            bucket,
            config.getString(SinkConfig.BRONZE_PREFIX),
            config.getString(SinkConfig.TOPIC),
            incarnation),
        alerts,
        metrics,
        () -> {
          lagAlarm.close();
          producer.close();
          s3.close();
        });
  }
}
