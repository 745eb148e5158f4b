package io.lmsingest.validator;

import io.lmsingest.schemas.LearnerActivity;
import io.lmsingest.serde.RegistryAvroDeserializer;
import io.lmsingest.serde.RegistryAvroSerializer;
import io.lmsingest.serde.RegistrySerdeConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The validator service: Kafka Streams with exactly_once_v2 over {@link ValidatorTopology}. */
public final class ValidatorApp implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ValidatorApp.class);
  private final KafkaStreams streams;

  private ValidatorApp(KafkaStreams streams) {
    this.streams = streams;
  }

  public static ValidatorApp create(ValidatorConfig config) throws Exception {
    String bootstrap = config.getString(ValidatorConfig.BOOTSTRAP_SERVERS);
    ValidatorTopology.Topics topics = new ValidatorTopology.Topics(
        config.getString(ValidatorConfig.RAW_TOPIC), config.getString(ValidatorConfig.V1_TOPIC), config.getString(ValidatorConfig.DLQ_TOPIC));
    if (config.getBoolean(ValidatorConfig.CREATE_TOPICS)) {
      int partitions = config.getInt(ValidatorConfig.PARTITIONS);
      io.lmsingest.config.TopicBootstrap.ensure(Map.of("bootstrap.servers", bootstrap),
          java.util.stream.Stream.of(topics.raw(), topics.v1(), topics.dlq())
              .map(t -> new NewTopic(t, Optional.of(partitions), Optional.empty())).toList());
    }
    Map<String, Object> serde = Map.of(RegistrySerdeConfig.SCHEMA_REGISTRY_URL, config.getString(ValidatorConfig.REGISTRY_URL),
        RegistrySerdeConfig.SPECIFIC_AVRO_VALUE_TYPE, LearnerActivity.class.getName());
    RegistryAvroDeserializer<LearnerActivity> decoder = new RegistryAvroDeserializer<>();
    decoder.configure(serde, false);
    RegistryAvroSerializer<LearnerActivity> encoder = new RegistryAvroSerializer<>();
    encoder.configure(serde, false);

    Properties props = new Properties();
    props.putAll(config.kafkaOverrides());
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, config.getString(ValidatorConfig.APPLICATION_ID));
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    props.put(StreamsConfig.STATE_DIR_CONFIG, Path.of(config.getString(ValidatorConfig.STATE_DIR)).toString());
    props.putIfAbsent(StreamsConfig.consumerPrefix("auto.offset.reset"), "earliest");
    props.putIfAbsent(StreamsConfig.producerPrefix("compression.type"), "lz4");

    KafkaStreams streams = new KafkaStreams(
        ValidatorTopology.build(topics, new ValidationRules(Duration.ofMillis(config.getLong(ValidatorConfig.MAX_FUTURE_SKEW_MS))), decoder, encoder),
        props);
    streams.setUncaughtExceptionHandler(e -> {
      LOG.error("validator stream thread failed; replacing it: {}", e.toString());
      return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
    });
    return new ValidatorApp(streams);
  }

  public KafkaStreams streams() {
    return streams;
  }

  public void start() {
    streams.start();
  }

  /** Runs until SIGTERM; returns the exit code. */
  public static int runUntilStopped(ValidatorConfig config) throws Exception {
    CountDownLatch stopped = new CountDownLatch(1);
    try (ValidatorApp app = create(config)) {
      Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown, "validator-shutdown"));
      app.start();
      LOG.info("validator running: {} -> {} | {}", config.getString(ValidatorConfig.RAW_TOPIC),
          config.getString(ValidatorConfig.V1_TOPIC), config.getString(ValidatorConfig.DLQ_TOPIC));
      stopped.await();
    }
    return 0;
  }

  @Override
  public void close() {
    streams.close(Duration.ofSeconds(30));
  }
}
