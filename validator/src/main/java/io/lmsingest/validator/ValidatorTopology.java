package io.lmsingest.validator;

import io.lmsingest.kit.metrics.ServiceMetrics;
import io.lmsingest.schemas.DlqHeaders;
import io.lmsingest.schemas.LearnerActivity;
import java.nio.charset.StandardCharsets;
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
    return build(topics, rules, decoder, encoder, metrics, UnaryOperator::identity);
  }

  /**
   * As above; every valid record's learner_id is replaced by {@code learnerIds} (one per stream
   * task) before it reaches v1, so Bronze and the warehouse never hold the LMS's own id.
   */
  public static Topology build(
      Topics topics,
      ValidationRules rules,
      Deserializer<LearnerActivity> decoder,
      Serializer<LearnerActivity> encoder,
      ServiceMetrics metrics,
      Supplier<UnaryOperator<String>> learnerIds) {
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
        () -> new Validate(topics.raw(), rules, decoder, metrics, learnerIds.get()),
        SOURCE);
    topology.addSink(VALID, topics.v1(), new StringSerializer(), encoder, VALIDATE);
    topology.addSink(
        INVALID, topics.dlq(), new StringSerializer(), new ByteArraySerializer(), VALIDATE);
    return topology;
  }

  private static final class Validate implements Processor<String, byte[], String, Object> {
    private final String rawTopic;
    private final ValidationRules rules;
    private final Deserializer<LearnerActivity> decoder;
    private final ServiceMetrics metrics;
    private final UnaryOperator<String> learnerIds;
    private ProcessorContext<String, Object> context;

    Validate(
        String rawTopic,
        ValidationRules rules,
        Deserializer<LearnerActivity> decoder,
        ServiceMetrics metrics,
        UnaryOperator<String> learnerIds) {
      this.rawTopic = rawTopic;
      this.rules = rules;
      this.decoder = decoder;
      this.metrics = metrics;
      this.learnerIds = learnerIds;
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
        activity = decoder.deserialize(rawTopic, record.headers(), record.value());
      } catch (RuntimeException e) {
        reject(
            record,
            "undecodable",
            e.getMessage() == null ? e.getClass().getName() : e.getMessage());
        return;
      }
      Optional<ValidationRules.Violation> violation =
          rules.check(record.key(), activity, Instant.ofEpochMilli(context.currentSystemTimeMs()));
      if (violation.isPresent()) {
        reject(record, violation.get().rule(), violation.get().detail());
      } else {
        metrics.increment(METRIC_VALID);
        activity.setLearnerId(learnerIds.apply(activity.getLearnerId()));
        context.forward(
            new Record<String, Object>(
                record.key(), activity, record.timestamp(), record.headers()),
            VALID);
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
