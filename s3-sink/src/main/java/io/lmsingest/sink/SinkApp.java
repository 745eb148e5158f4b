package io.lmsingest.sink;

import io.lmsingest.config.GracefulStop;
import io.lmsingest.config.S3Clients;
import io.lmsingest.observability.MetricsEndpoint;
import io.lmsingest.serde.RegistryAvroDeserializer;
import io.lmsingest.serde.RegistryAvroSerializer;
import io.lmsingest.serde.RegistrySerdeConfig;
import io.lmsingest.sink.manifest.ManifestPublisher;
import io.lmsingest.sink.rotation.RotationPolicy;
import io.lmsingest.sink.upload.BronzeUploader;
import io.lmsingest.sink.upload.Encryption;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.IndexedRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;

/** Builds a {@link BronzeSink} from its config: the S3 client, the consumer, the manifest producer. */
public final class SinkApp {
  private static final Logger LOG = LoggerFactory.getLogger(SinkApp.class);

  private SinkApp() {}

  public static BronzeSink create(SinkConfig config, Clock clock) {
    LOG.info("sink config {}", new java.util.TreeMap<>(config.values()));
    S3Client s3 = s3Client(config);
    String bucket = config.getString(SinkConfig.BUCKET);
    Encryption encryption = "kms".equals(config.getString(SinkConfig.SSE))
        ? Encryption.sseKms(config.getString(SinkConfig.SSE_KMS_KEY_ID).isEmpty() ? null : config.getString(SinkConfig.SSE_KMS_KEY_ID))
        : Encryption.sseS3();
    Map<String, Object> kafka = new HashMap<>(config.kafkaOverrides());
    kafka.put("bootstrap.servers", config.getString(SinkConfig.BOOTSTRAP_SERVERS));
    if (config.getBoolean(SinkConfig.CREATE_TOPICS)) {
      try {
        io.lmsingest.config.TopicBootstrap.ensure(Map.of("bootstrap.servers", config.getString(SinkConfig.BOOTSTRAP_SERVERS)),
            java.util.List.of(new org.apache.kafka.clients.admin.NewTopic(config.getString(SinkConfig.MANIFEST_TOPIC),
                java.util.Optional.of(1), java.util.Optional.empty())));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while creating the manifest topic", e);
      } catch (java.util.concurrent.ExecutionException e) {
        throw new IllegalStateException("could not create the manifest topic " + config.getString(SinkConfig.MANIFEST_TOPIC) + ": "
            + e.getCause(), e.getCause());
      }
    }

    Map<String, Object> consumerConfig = new HashMap<>(kafka);
    consumerConfig.put(ConsumerConfig.GROUP_ID_CONFIG, config.getString(SinkConfig.GROUP_ID));
    consumerConfig.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    consumerConfig.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    consumerConfig.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    consumerConfig.putIfAbsent(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
    consumerConfig.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
    Map<String, Object> serde = Map.of(RegistrySerdeConfig.SCHEMA_REGISTRY_URL, config.getString(SinkConfig.REGISTRY_URL));
    RegistryAvroDeserializer<GenericRecord> values = new RegistryAvroDeserializer<>();
    values.configure(serde, false);

    Map<String, Object> producerConfig = new HashMap<>(kafka);
    producerConfig.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
    RegistryAvroSerializer<IndexedRecord> manifests = new RegistryAvroSerializer<>();
    manifests.configure(serde, false);

    return new BronzeSink(
        new BronzeSink.Settings(
            config.getString(SinkConfig.TOPIC), config.getString(SinkConfig.MANIFEST_TOPIC), config.getString(SinkConfig.BRONZE_PREFIX),
            Path.of(config.getString(SinkConfig.STAGING_DIR)),
            new RotationPolicy(config.getLong(SinkConfig.MAX_RECORDS), config.getLong(SinkConfig.MAX_BYTES),
                Duration.ofMillis(config.getLong(SinkConfig.MAX_AGE_MS))),
            config.getLong(SinkConfig.ROW_GROUP_BYTES), config.getLong(SinkConfig.MEMORY_BUDGET)),
        new KafkaConsumer<>(consumerConfig, new StringDeserializer(), values),
        new KafkaProducer<>(producerConfig, new StringSerializer(), manifests),
        new BronzeUploader(s3, bucket, encryption, config.getLong(SinkConfig.MULTIPART_THRESHOLD), config.getInt(SinkConfig.PART_BYTES)),
        new ManifestPublisher(s3, bucket, config.getString(SinkConfig.MANIFEST_PREFIX), encryption),
        clock);
  }

  static S3Client s3Client(SinkConfig config) {
    return S3Clients.create(new S3Clients.Settings(config.getString(SinkConfig.REGION), config.getString(SinkConfig.ENDPOINT),
        config.getBoolean(SinkConfig.PATH_STYLE), config.getString(SinkConfig.ACCESS_KEY_ID), config.getString(SinkConfig.SECRET_ACCESS_KEY)),
        SinkConfig.ACCESS_KEY_ID, SinkConfig.SECRET_ACCESS_KEY);
  }

  /** The sink as a process: {@code SinkApp <config.properties>} (LMS_* environment overrides apply). */
  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      System.err.println("usage: SinkApp <config.properties>");
      System.exit(2);
    }
    System.exit(runUntilStopped(SinkConfig.load(io.lmsingest.config.ServiceConfigFile.read(Path.of(args[0])), System.getenv())));
  }

  /** Runs until SIGTERM (uncommitted work is simply read again on the next start); returns the exit code. */
  public static int runUntilStopped(SinkConfig config) throws Exception {
    int port = config.getInt(SinkConfig.METRICS_PORT);
    try (GracefulStop stop = GracefulStop.install("sink");
        BronzeSink sink = create(config, Clock.systemUTC());
        AutoCloseable endpoint = port < 0 ? () -> {} : MetricsEndpoint.start("127.0.0.1", port, sink.metrics()::prometheus, () -> true)) {
      stop.onSignal(sink::stop);
      sink.run();
    } catch (RuntimeException e) {
      LOG.error("sink stopped: {}", e.toString(), e);
      return 1;
    }
    return 0;
  }
}
