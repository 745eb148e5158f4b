package io.lmsingest.sink;

import io.lmsingest.kit.alert.Alerts;
import io.lmsingest.kit.kafka.GroupLag;
import io.lmsingest.kit.metrics.ServiceMetrics;
import io.lmsingest.kit.runtime.Readiness;
import io.lmsingest.kit.runtime.Service;
import io.lmsingest.sink.bronze.BronzeCoverage;
import io.lmsingest.sink.commit.DurableFile;
import io.lmsingest.sink.commit.OffsetBook;
import io.lmsingest.sink.rotation.FlushPlan;
import io.lmsingest.sink.rotation.OpenFile;
import io.lmsingest.sink.rotation.RotationPolicy;
import io.lmsingest.sink.write.BronzeWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.NoOffsetForPartitionException;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Kafka → Bronze: the poll loop. Records go to the {@link BronzeWriter} (one open file per
 * partition); when the {@link FlushPlan} says so, files are made durable (upload, manifest,
 * announcement) and only then are their offsets committed, so committed offsets are Bronze's
 * high-water mark. After a crash the same start offset yields the same key and the existing object
 * is adopted, never duplicated. The bookkeeping lives in {@link OffsetBook}.
 */
public final class BronzeSink implements Service {
  /** The alert raised while files cannot be made durable. */
  static final String NOT_DURABLE = "bronze-not-durable";

  /** The alert raised when retention deleted v1 records before the sink wrote them to Bronze. */
  static final String RECORDS_EXPIRED = "v1-records-expired";

  static final String OFFSETS_EXPIRED = "lms_sink_offsets_expired_total";

  private static final Logger LOG = LoggerFactory.getLogger(BronzeSink.class);

  private final String topic;
  private final Consumer<String, GenericRecord> consumer;
  private final BronzeWriter writer;
  private final FlushPlan plan;
  private final OffsetBook book;
  private final BronzeCoverage coverage;
  private final ServiceMetrics metrics;
  private final Alerts alerts;
  private final AutoCloseable manifestProducer;
  private volatile boolean stopping;
  private volatile boolean joined;

  public BronzeSink(
      Consumer<String, GenericRecord> consumer,
      BronzeWriter writer,
      FlushPlan plan,
      OffsetBook book,
      BronzeCoverage coverage,
      Alerts alerts,
      ServiceMetrics metrics,
      AutoCloseable manifestProducer) {
    this.alerts = alerts;
    this.metrics =
        metrics
            .counter("lms_sink_records_total", "Records consumed from v1.")
            .counter("lms_sink_files_total", "Bronze files uploaded.")
            .counter(
                "lms_sink_files_adopted_total",
                "Bronze files found already durable (after a crash or a replay).")
            .counter("lms_sink_file_rows_total", "Rows in durable Bronze files.")
            .counter("lms_sink_upload_seconds_total", "Time spent uploading Bronze files.")
            .counter("lms_sink_failures_total", "Rounds in which files could not be made durable.")
            .counter(
                OFFSETS_EXPIRED,
                "Offsets of v1 (records and transaction markers) that retention deleted before"
                    + " the sink read them: never in Bronze.")
            .gauge("lms_sink_open_files", "Bronze files being built.")
            .gauge(
                "lms_sink_buffered_bytes",
                "Bytes buffered in open files (bounded by memory.budget.bytes).")
            .gauge("lms_sink_assigned_partitions", "Partitions of v1 this instance owns.");
    this.topic = writer.topic();
    this.consumer = consumer;
    this.writer = writer;
    this.plan = plan;
    this.book = book;
    this.coverage = coverage;
    this.manifestProducer = manifestProducer;
  }

  @Override
  public ServiceMetrics metrics() {
    return metrics;
  }

  /**
   * Ready once the group has assigned this instance (possibly no partitions) and files become
   * durable.
   */
  @Override
  public Readiness readiness() {
    if (!joined) {
      return Readiness.notReady("waiting for the group to assign partitions of " + topic);
    }
    return book.failing().map(Readiness::notReady).orElse(Readiness.READY);
  }

  @Override
  public void stop() {
    stopping = true;
    consumer.wakeup();
  }

  @Override
  public void run() {
    consumer.subscribe(List.of(topic), new Rebalance());
    try {
      while (!stopping) {
        try {
          book.startBatch();
          for (ConsumerRecord<String, GenericRecord> record :
              consumer.poll(Duration.ofMillis(500))) {
            append(record);
          }
          Map<Integer, RotationPolicy.Reason> due = plan.due(writer.openFiles());
          metrics.set(
              "lms_sink_buffered_bytes",
              writer.openFiles().stream().mapToLong(OpenFile::bytes).sum());
          if (!due.isEmpty()) {
            committed(writer.finish(due.keySet()));
          }
          commitPastMarkers();
        } catch (NoOffsetForPartitionException e) {
          // A new group, or a partition it never committed (auto.offset.reset=none): all of it.
          consumer.seekToBeginning(e.partitions());
        } catch (OffsetOutOfRangeException e) {
          expired(e.offsetOutOfRangePartitions());
        } catch (SdkException | IOException | UncheckedIOException | KafkaException e) {
          if (e instanceof WakeupException || e instanceof InterruptException) {
            throw (KafkaException) e;
          }
          if (e instanceof S3Exception s3 && (s3.statusCode() == 400 || s3.statusCode() == 501)) {
            // The request itself is wrong for this store (e.g. it cannot do the configured SSE):
            // retrying cannot help.
            throw new IllegalStateException(
                "S3 rejects the sink's uploads as unsupported ("
                    + s3.statusCode()
                    + " "
                    + s3.awsErrorDetails().errorMessage()
                    + "); check "
                    + SinkConfig.SSE
                    + " and the endpoint",
                e);
          }
          rewind(e);
        }
      }
    } catch (WakeupException e) {
      if (!stopping) {
        throw e;
      }
    } finally {
      // Stopping (or failing) without committing is safe: uncommitted data is read again.
      writer.discardAll();
    }
  }

  /**
   * The positions are no longer in v1: retention deleted what lies between them and the partitions'
   * first offsets before the sink read it (an outage longer than the topic's retention.ms), or the
   * topic was recreated or truncated below them. Either way the sink goes on from the first offset
   * there is, as auto.offset.reset=earliest would, but a gap is never passed in silence: it is
   * counted, logged with its offsets and alerted.
   */
  private void expired(Map<TopicPartition, Long> positions) {
    Map<TopicPartition, Long> firsts = consumer.beginningOffsets(positions.keySet());
    List<GroupLag.Gap> gaps = new ArrayList<>();
    for (Map.Entry<TopicPartition, Long> position : positions.entrySet()) {
      TopicPartition tp = position.getKey();
      long from = position.getValue();
      long first = firsts.get(tp);
      consumer.seek(tp, first);
      if (first > from) {
        gaps.add(new GroupLag.Gap(tp, from, first));
        book.expired(tp, first);
      } else {
        LOG.warn(
            "sink {}: position {} is past the end of the partition (recreated or truncated?);"
                + " reading it from its first offset {}",
            tp,
            from,
            first);
      }
    }
    if (gaps.isEmpty()) {
      return;
    }
    long lost = gaps.stream().mapToLong(GroupLag.Gap::offsets).sum();
    metrics.add(OFFSETS_EXPIRED, lost);
    LOG.error(
        "alert=true sink: retention deleted {} offset(s) of {} before the sink read them; they are"
            + " not in Bronze: {}",
        lost,
        topic,
        gaps);
    alerts.raise(
        RECORDS_EXPIRED,
        "retention deleted v1 records before the sink wrote them to Bronze",
        lost + " offset(s) (records and transaction markers): " + gaps,
        "the changes are still in the LMS: re-poll the window they cover (poller cursor) or"
            + " replay raw if it still holds them; raise v1's retention.ms above the longest"
            + " sink outage. Later gaps are logged with alert=true and counted in "
            + OFFSETS_EXPIRED);
  }

  private void append(ConsumerRecord<String, GenericRecord> record) throws IOException {
    TopicPartition tp = new TopicPartition(record.topic(), record.partition());
    if (book.skip(tp, record.offset())) {
      return;
    }
    if (record.value() == null) {
      throw new IllegalStateException(
          "null value at " + tp + "@" + record.offset() + ": v1 never carries tombstones");
    }
    if (book.unaligned(tp) && !writer.isOpen(record.partition()) && continueAfterCovering(record)) {
      return;
    }
    committed(
        writer.write(record.partition(), record.offset(), record.timestamp(), record.value()));
    metrics.increment("lms_sink_records_total");
  }

  /**
   * The partition's position came from an offset the sink did not commit itself: if an existing
   * Bronze object holds this record inside it (not at its start), commit and continue after that
   * object, so a replay from any offset never writes an overlapping object. True if it did.
   */
  private boolean continueAfterCovering(ConsumerRecord<String, GenericRecord> record) {
    TopicPartition tp = new TopicPartition(record.topic(), record.partition());
    Optional<BronzeCoverage.CoveringObject> covering =
        coverage.covering(
            record.partition(), record.offset(), Instant.ofEpochMilli(record.timestamp()));
    book.aligned(tp);
    if (covering.isEmpty()) {
      return false;
    }
    long next = covering.get().end() + 1;
    LOG.info(
        "sink {}: offset {} lies inside {} (offsets {}..{}), already in Bronze; continuing after"
            + " it at {}",
        tp,
        record.offset(),
        covering.get().key(),
        covering.get().start(),
        covering.get().end(),
        next);
    Map<TopicPartition, OffsetAndMetadata> commit =
        Map.of(tp, new OffsetAndMetadata(next, OffsetBook.BOUNDARY));
    consumer.commitSync(commit);
    book.committed(commit);
    consumer.seek(tp, next);
    book.repositioned(tp);
    metrics.increment("lms_sink_files_adopted_total");
    return true;
  }

  /**
   * Files are durable: commit their offsets, and move the position where an adopted object ends
   * elsewhere.
   */
  private void committed(List<DurableFile> files) {
    if (files.isEmpty()) {
      return;
    }
    Map<TopicPartition, OffsetAndMetadata> commits = book.offsetsFor(topic, files);
    consumer.commitSync(commits);
    book.committed(commits);
    for (DurableFile f : files) {
      if (f.movesPosition()) {
        TopicPartition tp = new TopicPartition(topic, f.stored().partition());
        consumer.seek(tp, f.nextOffset());
        book.repositioned(tp);
      }
      metrics.increment(f.adopted() ? "lms_sink_files_adopted_total" : "lms_sink_files_total");
      metrics.add("lms_sink_file_rows_total", f.stored().rows());
      metrics.addSeconds("lms_sink_upload_seconds_total", f.upload());
    }
    metrics.set("lms_sink_open_files", writer.openFiles().size());
    book.succeeded();
    alerts.resolve(NOT_DURABLE);
  }

  private void commitPastMarkers() {
    Map<TopicPartition, OffsetAndMetadata> idle =
        book.pastMarkers(
            consumer.assignment(), tp -> writer.isOpen(tp.partition()), consumer::position);
    if (!idle.isEmpty()) {
      consumer.commitSync(idle);
      book.committed(idle);
    }
  }

  /**
   * S3 or Kafka failed while files were being made durable. Nothing was committed past durable
   * data, so dropping every open file and re-reading from the committed offsets loses nothing; an
   * object that did reach S3 is found again by its key and adopted. Backs off, capped, between
   * attempts.
   */
  private void rewind(Exception cause) {
    Duration backoff = book.failed(cause.getClass().getSimpleName());
    metrics.increment("lms_sink_failures_total");
    if (book.failuresInARow() >= OffsetBook.ALERT_AFTER_FAILURES) {
      LOG.error(
          "alert=true sink failed {} times in a row making files durable; last: {}; retrying in {} ms",
          book.failuresInARow(),
          cause.toString(),
          backoff.toMillis());
      alerts.raise(
          NOT_DURABLE,
          "the sink cannot make Bronze files durable",
          book.failing().orElse("") + ": " + cause.getClass().getSimpleName(),
          "check S3 (endpoint, credentials, bucket policy, SSE/KMS) and Kafka; the sink retries by"
              + " itself and never commits past what is durable");
    } else {
      LOG.warn(
          "sink could not make files durable ({}); re-reading from the committed offsets in {} ms",
          cause.toString(),
          backoff.toMillis());
    }
    writer.discardAll();
    for (TopicPartition tp : consumer.assignment()) {
      book.committed(tp).ifPresent(offset -> consumer.seek(tp, offset));
    }
    metrics.set("lms_sink_open_files", 0);
    long until = System.nanoTime() + backoff.toNanos();
    while (!stopping && System.nanoTime() < until) {
      try {
        Thread.sleep(Math.min(100, Math.max(1, backoff.toMillis())));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptException(e);
      }
    }
  }

  private final class Rebalance implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      // Never a half state and never two writers of one object: what is not committed is dropped
      // here and re-read from the committed offset by the partition's next owner.
      partitions.forEach(tp -> writer.discard(tp.partition()));
      book.revoked(partitions);
      metrics.set("lms_sink_assigned_partitions", consumer.assignment().size() - partitions.size());
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      partitions.forEach(tp -> writer.discard(tp.partition()));
      book.revoked(partitions);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      LOG.info("sink assigned {}", partitions);
      joined = true;
      metrics.set("lms_sink_assigned_partitions", consumer.assignment().size());
      Map<TopicPartition, OffsetAndMetadata> committed =
          consumer.committed(new HashSet<>(partitions));
      partitions.forEach(tp -> book.assigned(tp, committed.get(tp)));
    }
  }

  /**
   * A stopped sink leaves its group even with static membership ({@code group.instance.id}), so its
   * partitions move at once and {@code replay sink} sees an empty group; a killed one is replaced
   * by its restart without a rebalance.
   */
  @Override
  public void close() throws Exception {
    writer.close();
    consumer.close(
        CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
    manifestProducer.close();
  }
}
