package io.lmsingest.sink;

import io.lmsingest.kit.metrics.ServiceMetrics;
import io.lmsingest.kit.runtime.Readiness;
import io.lmsingest.kit.runtime.Service;
import io.lmsingest.schemas.BronzeManifest;
import io.lmsingest.sink.bronze.BronzeParquetWriter;
import io.lmsingest.sink.bronze.WrittenFile;
import io.lmsingest.sink.manifest.ManifestPublisher;
import io.lmsingest.sink.rotation.RotationPolicy;
import io.lmsingest.sink.upload.BronzeUploader;
import io.lmsingest.sink.upload.UploadResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.IndexedRecord;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka → Bronze. Per partition one open Parquet file on local disk; when the rotation policy (or
 * the memory budget) says so, the file is completed, uploaded with a conditional create, described
 * by its own manifest (S3 JSON, then the manifest topic), and only then is the partition's offset
 * committed. Committed offsets are therefore Bronze's high-water mark. After a crash the same start
 * offset yields the same key; an existing object is adopted (its end offset read from metadata) and
 * the consumer seeks past it, so nothing is duplicated under another name.
 */
public final class BronzeSink implements Service {
  private static final Logger LOG = LoggerFactory.getLogger(BronzeSink.class);

  /** Settings of one sink instance. */
  public record Settings(
      String topic, String manifestTopic, String bronzePrefix, Path stagingDir, RotationPolicy rotation,
      long rowGroupBytes, long memoryBudgetBytes) {}

  private final Settings settings;
  private final Consumer<String, GenericRecord> consumer;
  private final Producer<String, IndexedRecord> manifestProducer;
  private final BronzeUploader uploader;
  private final ManifestPublisher manifests;
  private final Clock clock;
  private final Map<TopicPartition, OpenFile> open = new HashMap<>();
  private final Map<TopicPartition, Long> committed = new HashMap<>();
  private final ServiceMetrics metrics = new ServiceMetrics();
  private volatile boolean stopping;
  private volatile int failuresInARow;
  private volatile String lastFailure = "";
  private volatile boolean joined;
  private static final long MAX_BACKOFF_MS = 10_000;
  private static final int ALERT_AFTER_FAILURES = 5;

  private static final class OpenFile {
    final BronzeParquetWriter writer;
    final Instant openedAt;

    OpenFile(BronzeParquetWriter writer, Instant openedAt) {
      this.writer = writer;
      this.openedAt = openedAt;
    }
  }

  public BronzeSink(
      Settings settings, Consumer<String, GenericRecord> consumer, Producer<String, IndexedRecord> manifestProducer,
      BronzeUploader uploader, ManifestPublisher manifests, Clock clock) {
    this.settings = settings;
    this.consumer = consumer;
    this.manifestProducer = manifestProducer;
    this.uploader = uploader;
    this.manifests = manifests;
    this.clock = clock;
  }

  @Override
  public ServiceMetrics metrics() {
    return metrics;
  }

  /** Ready once the group has assigned this instance (possibly no partitions) and files become durable. */
  @Override
  public Readiness readiness() {
    if (!joined) {
      return Readiness.notReady("waiting for the group " + "to assign partitions of " + settings.topic());
    }
    int failures = failuresInARow;
    return failures == 0 ? Readiness.READY
        : Readiness.notReady("files not durable: " + failures + " failure(s) in a row; last: " + lastFailure);
  }

  @Override
  public void stop() {
    stopping = true;
    consumer.wakeup();
  }

  @Override
  public void run() {
    consumer.subscribe(List.of(settings.topic()), new ConsumerRebalanceListener() {
      @Override
      public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        // Never a half state and never two writers of one object: what is not committed is dropped
        // here and re-read from the committed offset by the partition's next owner.
        partitions.forEach(BronzeSink.this::discard);
        partitions.forEach(committed::remove);
        metrics.set("lms_sink_assigned_partitions", consumer.assignment().size() - partitions.size());
      }

      @Override
      public void onPartitionsLost(Collection<TopicPartition> partitions) {
        partitions.forEach(BronzeSink.this::discard);
      }

      @Override
      public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        LOG.info("sink assigned {}", partitions);
        joined = true;
        metrics.set("lms_sink_assigned_partitions", consumer.assignment().size());
        consumer.committed(new java.util.HashSet<>(partitions)).forEach((tp, offset) -> committed.put(tp, offset == null ? 0L : offset.offset()));
      }
    });
    try {
      while (!stopping) {
        for (ConsumerRecord<String, GenericRecord> record : consumer.poll(Duration.ofMillis(500))) {
          append(record);
        }
        try {
          finishDue();
        } catch (SdkException | IOException | UncheckedIOException | KafkaException e) {
          if (e instanceof WakeupException || e instanceof InterruptException) {
            throw e;
          }
          if (e instanceof S3Exception s3 && (s3.statusCode() == 400 || s3.statusCode() == 501)) {
            // The request itself is wrong for this store (e.g. it cannot do the configured SSE): retrying cannot help.
            throw new IllegalStateException("S3 rejects the sink's uploads as unsupported (" + s3.statusCode() + " "
                + s3.awsErrorDetails().errorMessage() + "); check " + SinkConfig.SSE + " and the endpoint", e);
          }
          rewind(e);
        }
      }
    } catch (WakeupException e) {
      if (!stopping) {
        throw e;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      // Stopping (or failing) without committing is safe: uncommitted data is read again.
      new ArrayList<>(open.keySet()).forEach(this::discard);
    }
  }

  /**
   * S3 or Kafka failed while files were being made durable. Nothing was committed past durable data,
   * so dropping every open file and re-reading from the committed offsets loses nothing; an object
   * that did reach S3 is found again by its key and adopted. Backs off, capped, between attempts.
   */
  private void rewind(Exception cause) {
    failuresInARow++;
    lastFailure = cause.getClass().getSimpleName();
    metrics.increment("lms_sink_failures_total");
    long backoffMs = Math.min(MAX_BACKOFF_MS, 200L << Math.min(failuresInARow - 1, 6));
    if (failuresInARow >= ALERT_AFTER_FAILURES) {
      LOG.error("alert=true sink failed {} times in a row making files durable; last: {}; retrying in {} ms",
          failuresInARow, cause.toString(), backoffMs);
    } else {
      LOG.warn("sink could not make files durable ({}); re-reading from the committed offsets in {} ms", cause.toString(), backoffMs);
    }
    new ArrayList<>(open.keySet()).forEach(this::discard);
    for (TopicPartition tp : consumer.assignment()) {
      Long offset = committed.get(tp);
      if (offset != null) {
        consumer.seek(tp, offset);
      }
    }
    metrics.set("lms_sink_open_files", 0);
    long until = System.nanoTime() + backoffMs * 1_000_000;
    while (!stopping && System.nanoTime() < until) {
      try {
        Thread.sleep(Math.min(100, backoffMs));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptException(e);
      }
    }
  }

  private void append(ConsumerRecord<String, GenericRecord> record) throws IOException {
    TopicPartition tp = new TopicPartition(record.topic(), record.partition());
    if (record.value() == null) {
      throw new IllegalStateException("null value at " + tp + "@" + record.offset() + ": v1 never carries tombstones");
    }
    OpenFile file = open.get(tp);
    if (file != null && !file.writer.writerSchema().equals(record.value().getSchema())) {
      // A newer (compatible) writer schema: the old file ends here, the new one carries the new column.
      finish(List.of(tp));
      file = null;
    }
    if (file == null) {
      file = new OpenFile(new BronzeParquetWriter(settings.stagingDir(), settings.bronzePrefix(), tp.topic(), tp.partition(),
          record.value().getSchema(), settings.rowGroupBytes()), clock.instant());
      open.put(tp, file);
      metrics.set("lms_sink_open_files", open.size());
    }
    file.writer.write(record.value(), record.offset(), record.timestamp());
    metrics.increment("lms_sink_records_total");
  }

  private void finishDue() throws IOException {
    List<TopicPartition> due = new ArrayList<>();
    long buffered = 0;
    for (Map.Entry<TopicPartition, OpenFile> e : open.entrySet()) {
      OpenFile f = e.getValue();
      buffered += f.writer.bytes();
      if (settings.rotation().check(f.writer.rows(), f.writer.bytes(), Duration.between(f.openedAt, clock.instant()))
          != RotationPolicy.Reason.NONE) {
        due.add(e.getKey());
      }
    }
    metrics.set("lms_sink_buffered_bytes", buffered);
    if (buffered > settings.memoryBudgetBytes()) {
      // Over the global budget: the largest files go first, however young.
      open.entrySet().stream()
          .sorted((a, b) -> Long.compare(b.getValue().writer.bytes(), a.getValue().writer.bytes()))
          .map(Map.Entry::getKey)
          .filter(tp -> !due.contains(tp))
          .findFirst()
          .ifPresent(due::add);
    }
    if (!due.isEmpty()) {
      finish(due);
    }
    commitPastMarkers();
  }

  /**
   * A partition with no open file has every consumed record in a durable file, so what lies between
   * the committed offset and the position is only transaction markers: commit the position, or a
   * transactional topic would show a lag of 1 forever.
   */
  private void commitPastMarkers() {
    Map<TopicPartition, OffsetAndMetadata> idle = new HashMap<>();
    for (TopicPartition tp : consumer.assignment()) {
      if (open.containsKey(tp) || !committed.containsKey(tp)) {
        continue;
      }
      long position = consumer.position(tp);
      if (position > committed.get(tp)) {
        idle.put(tp, new OffsetAndMetadata(position));
      }
    }
    if (!idle.isEmpty()) {
      consumer.commitSync(idle);
      idle.forEach((tp, offset) -> committed.put(tp, offset.offset()));
    }
  }

  /** Completes, uploads and describes the files of {@code partitions}, then commits their offsets. */
  private void finish(List<TopicPartition> partitions) throws IOException {
    Map<TopicPartition, OffsetAndMetadata> commits = new HashMap<>();
    List<TopicPartition> adopted = new ArrayList<>();
    List<Future<RecordMetadata>> published = new ArrayList<>();
    for (TopicPartition tp : partitions) {
      OpenFile file = open.remove(tp);
      WrittenFile written = file.writer.complete();
      long started = System.nanoTime();
      UploadResult uploaded;
      try {
        uploaded = uploader.upload(written);
      } finally {
        Files.deleteIfExists(written.localFile());
      }
      metrics.add("lms_sink_upload_ms_total", (System.nanoTime() - started) / 1_000_000);
      WrittenFile durable = uploaded.adopted() ? adoptedFile(written, uploaded) : written;
      BronzeManifest manifest = ManifestPublisher.manifest(tp.topic(), List.of(durable), clock.instant());
      manifests.write(manifest); // false = already there from before a crash: publish it again anyway
      published.add(manifestProducer.send(new ProducerRecord<>(settings.manifestTopic(), manifest.getBatchId(), manifest)));
      commits.put(tp, new OffsetAndMetadata(durable.endOffset() + 1));
      if (uploaded.adopted()) {
        adopted.add(tp);
      }
      metrics.increment(uploaded.adopted() ? "lms_sink_files_adopted_total" : "lms_sink_files_total");
      metrics.add("lms_sink_file_rows_total", durable.rows());
      LOG.info("sink file {} rows={} offsets={}..{} {}", durable.key(), durable.rows(), durable.startOffset(), durable.endOffset(),
          uploaded.adopted() ? "(adopted: already durable)" : "");
    }
    manifestProducer.flush(); // manifests are on Kafka before the offsets move
    for (Future<RecordMetadata> sent : published) {
      try {
        sent.get();
      } catch (ExecutionException e) {
        throw e.getCause() instanceof KafkaException k ? k : new KafkaException("manifest not published", e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptException(e);
      }
    }
    consumer.commitSync(commits);
    commits.forEach((tp, offset) -> committed.put(tp, offset.offset()));
    for (TopicPartition tp : adopted) {
      // An adopted object may end after (or before) what was buffered: continue right after it.
      consumer.seek(tp, commits.get(tp).offset());
    }
    metrics.set("lms_sink_open_files", open.size());
    failuresInARow = 0;
  }

  /** The existing object as stored (it may cover another range than the local file rebuilt after a crash). */
  private static WrittenFile adoptedFile(WrittenFile local, UploadResult existing) {
    return new WrittenFile(local.localFile(), local.key(), local.partition(), local.startOffset(), existing.endOffset(),
        existing.rows(), existing.sizeBytes(), existing.sha256(), existing.schemaFingerprint(), existing.minUpdatedAt(),
        existing.maxUpdatedAt());
  }

  private void discard(TopicPartition tp) {
    OpenFile file = open.remove(tp);
    if (file != null) {
      try {
        file.writer.abort();
      } catch (IOException e) {
        LOG.warn("could not delete the staging file of {}: {}", tp, e.toString());
      }
    }
  }

  /**
   * A stopped sink leaves its group even with static membership ({@code group.instance.id}), so its
   * partitions move at once and {@code replay sink} sees an empty group; a killed one is replaced by
   * its restart without a rebalance.
   */
  @Override
  public void close() {
    consumer.close(org.apache.kafka.clients.consumer.CloseOptions.groupMembershipOperation(
        org.apache.kafka.clients.consumer.CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
    manifestProducer.close();
  }
}
