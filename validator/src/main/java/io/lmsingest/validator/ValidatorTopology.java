package io.lmsingest.validator;

import io.lmsingest.kit.metrics.ServiceMetrics;
import io.lmsingest.schemas.DlqHeaders;
import io.lmsingest.schemas.LearnerActivity;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * raw → v1 | dlq. Values are read as bytes, so an undecodable payload is a DLQ record, not a crash
 * of the stream, and the DLQ keeps the original bytes. Built by one static method that both the
 * service and the TopologyTestDriver test call.
 */
public final class ValidatorTopology {
  public static final String HEADER_RULE = DlqHeaders.RULE;
  public static final String HEADER_DETAIL = DlqHeaders.DETAIL;
  public static final String HEADER_TOPIC = DlqHeaders.SOURCE_TOPIC;
  public static final String HEADER_PARTITION = DlqHeaders.SOURCE_PARTITION;
  public static final String HEADER_OFFSET = DlqHeaders.SOURCE_OFFSET;

  private static final String SOURCE = "raw";
  private static final String VALIDATE = "validate";
  private static final String VALID = "v1";
  private static final String INVALID = "dlq";

  private ValidatorTopology() {}

  /** Topic names of one validator. */
  public record Topics(String raw, String v1, String dlq) {}

  /**
   * Metric names; counts are of records processed (a task re-run after an aborted transaction
   * counts again).
   */
  public static final String METRIC_IN = "lms_validator_records_in_total";

  public static final String METRIC_VALID = "lms_validator_records_valid_total";
  public static final String METRIC_DLQ = "lms_validator_records_dlq_total";

  public static Topology build(
      Topics topics,
      ValidationRules rules,
      Deserializer<LearnerActivity> decoder,
      Serializer<LearnerActivity> encoder,
      ServiceMetrics metrics) {
    return build(
        topics, rules, decoder, encoder, metrics, UnaryOperator::identity, new RegistryOutage());
  }

  /**
   * As above; every valid record's learner_id is replaced by {@code learnerIds} (one per stream
   * task) before it reaches v1, so Bronze and the warehouse never hold the LMS's own id. A record
   * that cannot be decoded because the registry did not answer is not rejected: it is marked in
   * {@code outage} and fails the task, whose transaction is aborted, so the record is read again
   * once the registry is back.
   */
  public static Topology build(
      Topics topics,
      ValidationRules rules,
      Deserializer<LearnerActivity> decoder,
      Serializer<LearnerActivity> encoder,
      ServiceMetrics metrics,
      Supplier<UnaryOperator<String>> learnerIds,
      RegistryOutage outage) {
    metrics
        .counter(
            METRIC_IN,
            "Records read from the raw topic (a task re-run after an abort counts again).")
        .counter(METRIC_VALID, "Records passed to v1.")
        .counter(METRIC_DLQ, "Records sent to the DLQ, by rule.", "rule");
    for (String rule : ValidationRules.CODES) {
      metrics.known(METRIC_DLQ + "{rule=" + rule + "}");
    }
    Topology topology = new Topology();
    topology.addSource(
        SOURCE, Serdes.String().deserializer(), Serdes.ByteArray().deserializer(), topics.raw());
    topology.addProcessor(
        VALIDATE,
        () -> new Validate(topics.raw(), rules, decoder, metrics, learnerIds.get(), outage),
        SOURCE);
    topology.addSink(VALID, topics.v1(), new StringSerializer(), encoder, VALIDATE);
    topology.addSink(
        INVALID, topics.dlq(), new StringSerializer(), new ByteArraySerializer(), VALIDATE);
    return topology;
  }

  /** How long one record waits for the registry inside its task before the task fails. */
  static final Duration REGISTRY_PATIENCE = Duration.ofMillis(4_000);

  private static final class Validate implements Processor<String, byte[], String, Object> {
    private final String rawTopic;
    private final ValidationRules rules;
    private final Deserializer<LearnerActivity> decoder;
    private final ServiceMetrics metrics;
    private final UnaryOperator<String> learnerIds;
    private final RegistryOutage outage;
    private ProcessorContext<String, Object> context;

    Validate(
        String rawTopic,
        ValidationRules rules,
        Deserializer<LearnerActivity> decoder,
        ServiceMetrics metrics,
        UnaryOperator<String> learnerIds,
        RegistryOutage outage) {
      this.rawTopic = rawTopic;
      this.rules = rules;
      this.decoder = decoder;
      this.metrics = metrics;
      this.learnerIds = learnerIds;
      this.outage = outage;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
      this.context = context;
    }

    @Override
    public void process(Record<String, byte[]> record) {
      metrics.increment(METRIC_IN);
      if (record.value() == null) {
        reject(record, "null_value", "tombstone on the raw topic");
        return;
      }
      LearnerActivity activity;
      try {
        activity = decode(record);
      } catch (RuntimeException e) {
        if (RegistryOutage.cause(e).isPresent()) {
          // Not the record's fault: it must not reach the DLQ. Failing the task aborts its
          // transaction; the record is read again when the registry answers.
          outage.failed(Instant.ofEpochMilli(context.currentSystemTimeMs()));
          throw e;
        }
        reject(
            record,
            "undecodable",
            e.getMessage() == null ? e.getClass().getName() : e.getMessage());
        return;
      }
      outage.recovered();
      Optional<ValidationRules.Violation> violation =
          rules.check(record.key(), activity, Instant.ofEpochMilli(context.currentSystemTimeMs()));
      if (violation.isPresent()) {
        reject(record, violation.get().rule(), violation.get().detail());
      } else {
        metrics.increment(METRIC_VALID);
        if (!activity.getLearnerId().isEmpty()) { // a minimal delete carries none
          activity.setLearnerId(learnerIds.apply(activity.getLearnerId()));
        }
        context.forward(
            new Record<String, Object>(
                record.key(), activity, record.timestamp(), record.headers()),
            VALID);
      }
    }

    /**
     * Decodes, waiting up to {@link #REGISTRY_PATIENCE} for a registry that does not answer: a
     * short outage then costs a pause, not a failed task (which waits out a rebalance). The wait
     * stays well inside the task's transaction timeout (10 s under exactly_once_v2).
     */
    private LearnerActivity decode(Record<String, byte[]> record) {
      long waited = 0;
      for (long pause = 250; ; pause *= 2) {
        try {
          return decoder.deserialize(rawTopic, record.headers(), record.value());
        } catch (RuntimeException e) {
          if (RegistryOutage.cause(e).isEmpty() || waited + pause > REGISTRY_PATIENCE.toMillis()) {
            throw e;
          }
        }
        try {
          Thread.sleep(pause);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while waiting for the registry");
        }
        waited += pause;
      }
    }

    private void reject(Record<String, byte[]> record, String rule, String detail) {
      metrics.increment(METRIC_DLQ + "{rule=" + rule + "}");
      Headers headers = new RecordHeaders(record.headers().toArray());
      headers.add(HEADER_RULE, bytes(rule));
      headers.add(HEADER_DETAIL, bytes(detail.length() > 500 ? detail.substring(0, 500) : detail));
      Optional<RecordMetadata> source = context.recordMetadata();
      headers.add(HEADER_TOPIC, bytes(source.map(RecordMetadata::topic).orElse(rawTopic)));
      headers.add(
          HEADER_PARTITION, bytes(source.map(m -> Integer.toString(m.partition())).orElse("-1")));
      headers.add(HEADER_OFFSET, bytes(source.map(m -> Long.toString(m.offset())).orElse("-1")));
      context.forward(
          new Record<String, Object>(record.key(), record.value(), record.timestamp(), headers),
          INVALID);
    }

    private static byte[] bytes(String text) {
      return text.getBytes(StandardCharsets.UTF_8);
    }
  }
}
