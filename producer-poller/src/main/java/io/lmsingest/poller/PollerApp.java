package io.lmsingest.poller;

import io.lmsingest.kit.alert.AlertChannels;
import io.lmsingest.kit.alert.AlertSender;
import io.lmsingest.kit.alert.Alerts;
import io.lmsingest.kit.config.RegistryAccess;
import io.lmsingest.kit.kafka.TopicBootstrap;
import io.lmsingest.kit.kafka.TopicSettings;
import io.lmsingest.kit.metrics.ServiceMetrics;
import io.lmsingest.kit.runtime.Backoff;
import io.lmsingest.kit.runtime.Readiness;
import io.lmsingest.kit.runtime.Service;
import io.lmsingest.kit.secrets.ServiceSecrets;
import io.lmsingest.poller.api.ActivityApiClient;
import io.lmsingest.poller.api.Pagination;
import io.lmsingest.poller.config.PollerConfig;
import io.lmsingest.poller.kafka.CursorStore;
import io.lmsingest.poller.kafka.HighWaterMark;
import io.lmsingest.poller.kafka.PageWriter;
import io.lmsingest.poller.kafka.PollerValueSerializer;
import io.lmsingest.poller.kafka.RecentChanges;
import io.lmsingest.poller.retry.RateLimiter;
import io.lmsingest.schemas.PollerCursor;
import io.lmsingest.serde.RegistryAvroDeserializer;
import io.lmsingest.serde.RegistryAvroSerializer;
import io.lmsingest.serde.RegistrySerdeConfig;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.generic.IndexedRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds a running poller from its config: secrets, topics, the transactional producer, the cursor.
 */
public final class PollerApp implements Service {
  private static final Logger LOG = LoggerFactory.getLogger(PollerApp.class);

  /** Most raw records read back at start to rebuild the look-back window (about 1 s each 100k). */
  private static final long RESTORE_MAX_RECORDS = 2_000_000;

  private final Poller poller;
  private final PageWriter writer;
  private final ServiceMetrics metrics;

  private PollerApp(Poller poller, PageWriter writer, ServiceMetrics metrics) {
    this.poller = poller;
    this.writer = writer;
    this.metrics = metrics;
  }

  /** The poller, alerting through the channels of its config. */
  public static PollerApp create(PollerConfig config, Clock clock) throws Exception {
    return create(config, clock, new AlertSender[0]);
  }

  /** The poller, alerting through the channels of its config and {@code moreAlertChannels}. */
  public static PollerApp create(PollerConfig config, Clock clock, AlertSender... moreAlertChannels)
      throws Exception {
    ServiceSecrets secrets = ServiceSecrets.of(config, clock);
    ServiceMetrics metrics = new ServiceMetrics();
    Alerts alerts = AlertChannels.of(config, secrets, metrics, clock, moreAlertChannels);
    secrets.get(
        PollerConfig.API_KEY); // fail at start, not at the first page, if the key cannot be read

    Map<String, Object> kafka = config.kafkaClientConfig();
    String rawTopic = config.getString(PollerConfig.RAW_TOPIC);
    String cursorTopic = config.getString(PollerConfig.CURSOR_TOPIC);
    if (config.getBoolean(PollerConfig.CREATE_TOPICS)) {
      TopicSettings topics = TopicSettings.of(config);
      TopicBootstrap.ensure(
          kafka,
          List.of(
              topics.retained(rawTopic, Optional.of(config.getInt(PollerConfig.RAW_PARTITIONS))),
              topics.compacted(cursorTopic, Optional.of(1)),
              topics.deadLetters(config.getString(PollerConfig.DLQ_TOPIC), Optional.empty())));
    }
    Map<String, Object> serde = RegistryAccess.serdeConfig(config, secrets);
    serde.put(RegistrySerdeConfig.SPECIFIC_AVRO_READER, "true");

    Map<String, Object> producerConfig = new HashMap<>(kafka);
    producerConfig.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, config.transactionalId());
    producerConfig.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
    producerConfig.putIfAbsent(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    producerConfig.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 20);
    producerConfig.putIfAbsent(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    RegistryAvroSerializer<IndexedRecord> valueSerializer = new RegistryAvroSerializer<>();
    valueSerializer.configure(serde, false);
    KafkaProducer<String, Object> producer =
        new KafkaProducer<>(
            producerConfig, new StringSerializer(), new PollerValueSerializer(valueSerializer));
    // Fences an older poller with the same transactional.id and aborts its open page, so the cursor
    // read next is the last one really committed.
    producer.initTransactions();

    Optional<PollerCursor> cursor;
    RecentChanges recent;
    Duration lookBack = Duration.ofMillis(config.getLong(PollerConfig.LOOK_BACK_MS));
    Map<String, Object> consumerConfig = new HashMap<>(kafka);
    consumerConfig.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    consumerConfig.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    RegistryAvroDeserializer<IndexedRecord> valueDeserializer = new RegistryAvroDeserializer<>();
    valueDeserializer.configure(serde, false);
    try (KafkaConsumer<String, IndexedRecord> consumer =
        new KafkaConsumer<>(consumerConfig, new StringDeserializer(), valueDeserializer)) {
      cursor =
          CursorStore.latest(
              consumer, cursorTopic, config.getString(PollerConfig.SOURCE), Duration.ofSeconds(60));
      // What the look-back window already wrote: a restart re-reads the window, writing it again
      // would duplicate it in the raw topic.
      recent =
          cursor.isEmpty() || lookBack.isZero()
              ? new RecentChanges()
              : RecentChanges.restore(
                  consumer,
                  rawTopic,
                  cursor.get().getUpdatedAt().minus(lookBack),
                  lookBack,
                  RESTORE_MAX_RECORDS,
                  Duration.ofSeconds(120));
    }
    HighWaterMark start =
        cursor
            .map(c -> new HighWaterMark(c.getUpdatedAt(), c.getActivityId()))
            .orElseGet(() -> HighWaterMark.before(firstStart(config)));
    LOG.info(
        "poller source={} {} ",
        config.getString(PollerConfig.SOURCE),
        cursor
            .map(
                c ->
                    "resumes from committed cursor updated_at="
                        + c.getUpdatedAt()
                        + " activity_id="
                        + c.getActivityId()
                        + " ("
                        + c.getRecords()
                        + " records so far)")
            .orElse("has no cursor yet; starts from " + config.getString(PollerConfig.START_FROM)));

    PageWriter writer =
        new PageWriter(
            producer,
            rawTopic,
            cursorTopic,
            config.getString(PollerConfig.DLQ_TOPIC),
            config.getString(PollerConfig.SOURCE),
            clock,
            cursor.orElse(null),
            recent,
            lookBack,
            config.getInt(PollerConfig.TRANSACTION_MAX_PAGES),
            Duration.ofMillis(config.getLong(PollerConfig.TRANSACTION_MAX_MS)));
    ActivityApiClient api =
        new ActivityApiClient(
            URI.create(config.getString(PollerConfig.API_URL)),
            config.getString(PollerConfig.API_KEY_HEADER),
            () -> secrets.get(PollerConfig.API_KEY),
            config.getInt(PollerConfig.PAGE_SIZE),
            Duration.ofMillis(config.getLong(PollerConfig.API_TIMEOUT_MS)),
            Pagination.valueOf(
                config.getString(PollerConfig.PAGINATION).toUpperCase().replace('-', '_')));
    double rate = config.getDouble(PollerConfig.RATE_LIMIT);
    Poller poller =
        new Poller(
            new Poller.Settings(
                config.getString(PollerConfig.SOURCE),
                Duration.ofMillis(config.getLong(PollerConfig.IDLE_INTERVAL_MS)),
                new Backoff(
                    Duration.ofMillis(config.getLong(PollerConfig.BACKOFF_INITIAL_MS)),
                    Duration.ofMillis(config.getLong(PollerConfig.BACKOFF_MAX_MS))),
                Duration.ofMillis(config.getLong(PollerConfig.OUTAGE_ALERT_MS)),
                // A turn is at most a transaction's pages (its time, then one more page), a Kafka
                // commit and the longest wait.
                Duration.ofMillis(
                    2
                            * (config.getLong(PollerConfig.TRANSACTION_MAX_MS)
                                + config.getLong(PollerConfig.API_TIMEOUT_MS)
                                + config.getLong(PollerConfig.BACKOFF_MAX_MS)
                                + config.getLong(PollerConfig.IDLE_INTERVAL_MS))
                        + 120_000),
                lookBack,
                Duration.ofMillis(config.getLong(PollerConfig.LOOK_BACK_INTERVAL_MS))),
            api,
            writer,
            start,
            // A new source starts where it was told to (inclusive), not a window before.
            cursor.isPresent() ? Instant.EPOCH : start.updatedAt().plusMillis(1),
            new RateLimiter(rate, (int) Math.max(1, Math.ceil(rate))),
            () -> secrets.refresh(PollerConfig.API_KEY),
            alerts,
            clock,
            metrics);
    return new PollerApp(poller, writer, metrics);
  }

  /**
   * Where a source with no cursor begins: the configured instant, or the warehouse's
   * MAX(updated_at).
   */
  private static Instant firstStart(PollerConfig config) {
    if (!config.startsFromWarehouse()) {
      return config.startFrom();
    }
    Optional<Instant> max =
        WarehouseStart.maxUpdatedAt(
            config.getString(PollerConfig.WAREHOUSE_JDBC_URL),
            config.getString(PollerConfig.WAREHOUSE_TABLE),
            config.getString(PollerConfig.WAREHOUSE_COLUMN));
    LOG.info(
        "poller source={} starts from the warehouse: MAX(updated_at) = {}",
        config.getString(PollerConfig.SOURCE),
        max.map(Object::toString).orElse("none (empty table), so from the beginning"));
    return max.orElse(Instant.EPOCH);
  }

  public Poller poller() {
    return poller;
  }

  @Override
  public ServiceMetrics metrics() {
    return metrics;
  }

  @Override
  public Readiness readiness() {
    return poller.readiness();
  }

  @Override
  public boolean alive() {
    return poller.alive();
  }

  @Override
  public void run() {
    poller.run();
  }

  @Override
  public void stop() {
    poller.stop();
  }

  @Override
  public void close() {
    writer.close();
  }
}
