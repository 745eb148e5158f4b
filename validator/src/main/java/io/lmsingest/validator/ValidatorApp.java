package io.lmsingest.validator;

import io.lmsingest.kit.alert.AlertChannels;
import io.lmsingest.kit.alert.AlertSender;
import io.lmsingest.kit.alert.Alerts;
import io.lmsingest.kit.alert.LagAlarm;
import io.lmsingest.kit.alert.RateWatch;
import io.lmsingest.kit.config.RegistryAccess;
import io.lmsingest.kit.kafka.GroupLag;
import io.lmsingest.kit.kafka.TopicBootstrap;
import io.lmsingest.kit.kafka.TopicSettings;
import io.lmsingest.kit.metrics.ServiceMetrics;
import io.lmsingest.kit.runtime.Readiness;
import io.lmsingest.kit.runtime.Service;
import io.lmsingest.kit.runtime.ServiceRunner;
import io.lmsingest.kit.secrets.ServiceSecrets;
import io.lmsingest.schemas.LearnerActivity;
import io.lmsingest.secrets.Secret;
import io.lmsingest.serde.RegistryAvroDeserializer;
import io.lmsingest.serde.RegistryAvroSerializer;
import io.lmsingest.serde.RegistrySerdeConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The validator service: Kafka Streams with exactly_once_v2 over {@link ValidatorTopology}. */
public final class ValidatorApp implements Service {
  private static final Logger LOG = LoggerFactory.getLogger(ValidatorApp.class);

  private final KafkaStreams streams;
  private final ServiceMetrics metrics;
  private final Alerts alerts;

  /** The alert raised when a stream thread fails; resolved once the streams run again. */
  static final String THREAD_FAILED = "stream-thread-failed";

  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile boolean started;

  /** The alert raised while records reach the DLQ faster than the configured threshold. */
  static final String DLQ_GROWING = "dlq-growing";

  private final RateWatch dlqWatch;
  private final ScheduledExecutorService watcher =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread thread = new Thread(r, "validator-dlq-watch");
            thread.setDaemon(true);
            return thread;
          });

  private final LagAlarm lagAlarm;

  /** The alert raised while records wait for the schema registry. */
  static final String REGISTRY_UNAVAILABLE = "schema-registry-unavailable";

  private final RegistryOutage registryOutage;

  /** The alert raised when retention deleted raw records before the validator read them. */
  static final String RAW_EXPIRED = "raw-records-expired";

  static final String OFFSETS_EXPIRED = "lms_validator_offsets_expired_total";

  /** Where the stream reads: the Kafka client settings, its group and the raw topic. */
  private record Input(Map<String, Object> kafka, String group, String topic) {
    @Override
    public String toString() { // the client settings may hold credentials (kafka.sasl.jaas.config)
      return "group " + group + " on " + topic;
    }
  }

  private final Input input;

  private ValidatorApp(
      KafkaStreams streams,
      ServiceMetrics metrics,
      Alerts alerts,
      RateWatch dlqWatch,
      LagAlarm lagAlarm,
      RegistryOutage registryOutage,
      Input input) {
    this.input = input;
    this.lagAlarm = lagAlarm;
    this.registryOutage = registryOutage;
    this.dlqWatch = dlqWatch;
    this.streams = streams;
    this.metrics = metrics;
    this.alerts = alerts;
  }

  /** The validator as a process: {@code ValidatorApp <config.properties>}. */
  public static void main(String[] args) {
    ServiceRunner.main("validator", args, ValidatorConfig::load, ValidatorApp::create);
  }

  /** Runs until SIGTERM; returns the exit code. */
  public static int runUntilStopped(ValidatorConfig config) {
    return ServiceRunner.run(config, ValidatorApp::create);
  }

  /** Kafka Streams' settings: exactly-once, plus defaults any {@code kafka.} key overrides. */
  static Properties streamsProperties(ValidatorConfig config) {
    Properties props = new Properties();
    props.putAll(config.kafkaClientConfig());
    props.put(
        StreamsConfig.APPLICATION_ID_CONFIG, config.getString(ValidatorConfig.APPLICATION_ID));
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    props.put(
        StreamsConfig.STATE_DIR_CONFIG,
        Path.of(config.getString(ValidatorConfig.STATE_DIR)).toString());
    props.putIfAbsent(StreamsConfig.consumerPrefix("auto.offset.reset"), "earliest");
    props.putIfAbsent(StreamsConfig.producerPrefix("compression.type"), "lz4");
    // Under exactly-once Streams commits every 100 ms: a transaction with markers on every output
    // partition, ten times a second. Once a second, with larger producer batches, the validator
    // used ~25 % less CPU and the broker ~21 % less (BENCHMARKS.md); a change becomes visible
    // downstream up to a second later. A low-latency deployment sets kafka.commit.interval.ms=100.
    props.putIfAbsent(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 1000);
    props.putIfAbsent(StreamsConfig.producerPrefix("batch.size"), 256 * 1024);
    props.putIfAbsent(StreamsConfig.producerPrefix("linger.ms"), 20);
    return props;
  }

  public static ValidatorApp create(ValidatorConfig config) throws Exception {
    return create(config, new AlertSender[0]);
  }

  /** The validator, alerting through the channels of its config and {@code moreAlertChannels}. */
  public static ValidatorApp create(ValidatorConfig config, AlertSender... moreAlertChannels)
      throws Exception {
    ValidatorTopology.Topics topics =
        new ValidatorTopology.Topics(
            config.getString(ValidatorConfig.RAW_TOPIC),
            config.getString(ValidatorConfig.V1_TOPIC),
            config.getString(ValidatorConfig.DLQ_TOPIC));
    if (config.getBoolean(ValidatorConfig.CREATE_TOPICS)) {
      Optional<Integer> partitions = Optional.of(config.getInt(ValidatorConfig.PARTITIONS));
      TopicSettings settings = TopicSettings.of(config);
      TopicBootstrap.ensure(
          config.kafkaClientConfig(),
          List.of(
              settings.retained(topics.raw(), partitions),
              settings.retained(topics.v1(), partitions),
              settings.deadLetters(topics.dlq(), partitions)));
    }
    ServiceSecrets secrets = ServiceSecrets.of(config, Clock.systemUTC());
    Map<String, Object> serde = RegistryAccess.serdeConfig(config, secrets);
    serde.put(RegistrySerdeConfig.SPECIFIC_AVRO_VALUE_TYPE, LearnerActivity.class.getName());
    RegistryAvroDeserializer<LearnerActivity> decoder = new RegistryAvroDeserializer<>();
    decoder.configure(serde, false);
    RegistryAvroSerializer<LearnerActivity> encoder = new RegistryAvroSerializer<>();
    encoder.configure(serde, false);

    Properties props = streamsProperties(config);

    ServiceMetrics metrics =
        new ServiceMetrics()
            .counter(
                "lms_validator_thread_failures_total",
                "Stream threads that failed and were replaced.")
            .counter(
                "lms_validator_registry_unavailable_total",
                "Times a task waited for the schema registry (its records read again, none"
                    + " rejected).");
    metrics.known("lms_validator_registry_unavailable_total");
    metrics
        .counter(
            OFFSETS_EXPIRED,
            "Offsets of raw (records and transaction markers) that retention deleted before the"
                + " validator read them, found when it started: never in v1.")
        .known(OFFSETS_EXPIRED);
    RegistryOutage registryOutage = new RegistryOutage();
    Alerts alerts =
        AlertChannels.of(config, secrets, metrics, Clock.systemUTC(), moreAlertChannels);
    Supplier<UnaryOperator<String>> learnerIds = UnaryOperator::identity;
    Optional<Secret> pseudonymKey = secrets.optional(ValidatorConfig.PSEUDONYMISE_KEY);
    if (pseudonymKey.isPresent()) {
      String key = pseudonymKey.get().reveal();
      LearnerPseudonyms.withKey(key); // fail at start if the key is too short
      learnerIds = () -> LearnerPseudonyms.withKey(key);
      LOG.info(
          "validator pseudonymises learner_id (HMAC-SHA256, key from {})",
          secrets.reference(ValidatorConfig.PSEUDONYMISE_KEY));
    }
    ValidationRules rules =
        new ValidationRules(Duration.ofMillis(config.getLong(ValidatorConfig.MAX_FUTURE_SKEW_MS)));
    KafkaStreams streams =
        new KafkaStreams(
            ValidatorTopology.build(
                topics, rules, decoder, encoder, metrics, learnerIds, registryOutage),
            props);
    streams.setUncaughtExceptionHandler(
        e -> {
          if (RegistryOutage.cause(e).isPresent()) {
            // The registry did not answer: the task's transaction was aborted, nothing went to
            // the DLQ. Wait, then let a new thread read the same records again.
            Duration wait = registryOutage.nextWait();
            metrics.increment("lms_validator_registry_unavailable_total");
            LOG.warn(
                "validator: the schema registry is unavailable ({}); nothing was sent to the DLQ,"
                    + " the stream resumes from its last committed transaction in {} ms",
                RegistryOutage.cause(e).get().getMessage(),
                wait.toMillis());
            try {
              Thread.sleep(wait.toMillis());
            } catch (InterruptedException interrupted) {
              Thread.currentThread().interrupt();
            }
            return StreamThreadExceptionResponse.REPLACE_THREAD;
          }
          LOG.error("validator stream thread failed; replacing it: {}", e.toString());
          metrics.increment("lms_validator_thread_failures_total");
          alerts.raise(
              THREAD_FAILED,
              "a validator stream thread failed and was replaced",
              e.getClass().getSimpleName(),
              "read the validator's log; if it repeats, check the broker and the registry (the"
                  + " stream resumes from its last committed transaction)");
          return StreamThreadExceptionResponse.REPLACE_THREAD;
        });
    LOG.info("validator: {} -> {} | {}", topics.raw(), topics.v1(), topics.dlq());
    RateWatch dlqWatch =
        new RateWatch(
            config.getLong(ValidatorConfig.DLQ_ALERT_THRESHOLD),
            Duration.ofMillis(config.getLong(ValidatorConfig.DLQ_ALERT_WINDOW_MS)));
    LagAlarm lagAlarm =
        LagAlarm.start(
            config,
            config.getString(ValidatorConfig.APPLICATION_ID),
            topics.raw(),
            alerts,
            Clock.systemUTC());
    return new ValidatorApp(
        streams,
        metrics,
        alerts,
        dlqWatch,
        lagAlarm,
        registryOutage,
        new Input(
            config.kafkaClientConfig(),
            config.getString(ValidatorConfig.APPLICATION_ID),
            topics.raw()));
  }

  public KafkaStreams streams() {
    return streams;
  }

  public void start() {
    started = true;
    reportExpiredRaw();
    streams.start();
    watcher.scheduleWithFixedDelay(this::watchDlq, 1, 5, TimeUnit.SECONDS);
  }

  /**
   * Kafka Streams resets a position that retention deleted to the earliest offset without a word,
   * so before it starts, the group's committed offsets are compared with raw's first offsets and a
   * gap is counted, logged and alerted. This covers a validator that was down longer than raw's
   * retention; one that falls that far behind while running is what the lag alert is for.
   */
  private void reportExpiredRaw() {
    List<GroupLag.Gap> gaps;
    try (Admin admin = Admin.create(input.kafka())) {
      gaps = GroupLag.expired(admin, input.group(), input.topic());
    } catch (ExecutionException | KafkaException e) {
      LOG.warn(
          "validator could not compare its committed offsets on {} with the topic's first offsets"
              + " ({}); records deleted by retention before it read them would not be alerted",
          input.topic(),
          e instanceof ExecutionException ? e.getCause().toString() : e.toString());
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    if (gaps.isEmpty()) {
      return;
    }
    long lost = gaps.stream().mapToLong(GroupLag.Gap::offsets).sum();
    metrics.add(OFFSETS_EXPIRED, lost);
    LOG.error(
        "alert=true validator: retention deleted {} offset(s) of {} before the validator read them;"
            + " they never reach v1: {}",
        lost,
        input.topic(),
        gaps);
    alerts.raise(
        RAW_EXPIRED,
        "retention deleted raw records before the validator read them",
        lost + " offset(s) (records and transaction markers): " + gaps,
        "the changes are still in the LMS: re-poll the window they cover (poller cursor); raise"
            + " raw's retention.ms above the longest validator outage");
  }

  /** Starts the streams and waits until stopped; fails if Kafka Streams gives up (state ERROR). */
  @Override
  public void run() throws InterruptedException {
    streams.setStateListener(
        (now, before) -> {
          LOG.info("validator streams {} -> {}", before, now);
          if (now == KafkaStreams.State.RUNNING) {
            alerts.resolve(THREAD_FAILED);
          }
          if (now == KafkaStreams.State.ERROR || now == KafkaStreams.State.PENDING_ERROR) {
            stopped.countDown();
          }
        });
    start();
    stopped.await();
    if (streams.state() == KafkaStreams.State.ERROR
        || streams.state() == KafkaStreams.State.PENDING_ERROR) {
      throw new IllegalStateException(
          "Kafka Streams stopped in state " + streams.state() + " (see the log above)");
    }
  }

  @Override
  public void stop() {
    stopped.countDown();
  }

  @Override
  public ServiceMetrics metrics() {
    return metrics;
  }

  @Override
  public Readiness readiness() {
    KafkaStreams.State state = streams.state();
    if (state == KafkaStreams.State.RUNNING) {
      return Readiness.READY;
    }
    return Readiness.notReady(started ? "Kafka Streams is " + state : "not started");
  }

  /** Alerts while records reach the DLQ faster than the threshold; resolves once they do not. */
  private void watchDlq() {
    watchRegistry();
    long total = (long) metrics.total(ValidatorTopology.METRIC_DLQ);
    if (dlqWatch.over(total, Instant.now())) {
      alerts.raise(
          DLQ_GROWING,
          "records are reaching the DLQ faster than expected",
          dlqWatch.growth()
              + " records rejected within the alert window; rules by count in lms_validator_records_dlq_total",
          "look at the DLQ's lms.dlq.rule and lms.dlq.detail headers (Kafka UI); fix the source or the rule;"
              + " rejected records keep their original bytes and source offsets");
    } else {
      alerts.resolve(DLQ_GROWING);
    }
  }

  /** Alerts while records wait for the registry; resolves once a record is decoded again. */
  private void watchRegistry() {
    Optional<Instant> since = registryOutage.since();
    if (since.isPresent()) {
      alerts.raise(
          REGISTRY_UNAVAILABLE,
          "the validator is waiting for the schema registry",
          "records could not be decoded since "
              + since.get()
              + " because the registry did not answer; none went to the DLQ, the stream retries"
              + " with backoff (lms_validator_registry_unavailable_total)",
          "bring schema.registry.url back (check its health, network, credentials); the validator"
              + " resumes by itself from its last committed transaction");
    } else {
      alerts.resolve(REGISTRY_UNAVAILABLE);
    }
  }

  @Override
  public void close() {
    watcher.shutdownNow();
    lagAlarm.close();
    streams.close(Duration.ofSeconds(30));
  }
}
