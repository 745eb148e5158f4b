package io.lmsingest.loader.source;

import io.lmsingest.kit.runtime.Backoff;
import io.lmsingest.loader.batch.BatchLoader;
import io.lmsingest.loader.batch.BatchResult;
import io.lmsingest.loader.manifest.BatchCoalescer;
import io.lmsingest.loader.manifest.MicroBatch;
import io.lmsingest.schemas.BronzeManifest;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the manifest topic: collects what is there (up to the batch caps), loads it as bounded
 * micro-batches, and commits the topic offsets only after the warehouse committed. A crash between
 * the two re-delivers manifests whose files the ledger already holds: they are skipped. A failed
 * batch (rolled back as a whole) is retried with a capped backoff until it succeeds or the loader
 * stops.
 */
public final class ManifestFollower implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(ManifestFollower.class);
  private static final Backoff BACKOFF =
      new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30));

  private final org.apache.kafka.clients.consumer.Consumer<String, BronzeManifest> consumer;
  private final String topic;
  private final BatchLoader loader;
  private final BatchCoalescer coalescer;
  private final BatchCadence cadence;
  private final Consumer<BatchResult> onBatch;
  private final Consumer<Exception> onFailure;
  private volatile boolean stopping;

  public ManifestFollower(
      org.apache.kafka.clients.consumer.Consumer<String, BronzeManifest> consumer,
      String topic,
      BatchLoader loader,
      BatchCoalescer coalescer,
      BatchCadence cadence,
      Consumer<BatchResult> onBatch,
      Consumer<Exception> onFailure) {
    this.consumer = consumer;
    this.topic = topic;
    this.loader = loader;
    this.coalescer = coalescer;
    this.cadence = cadence;
    this.onBatch = onBatch;
    this.onFailure = onFailure;
  }

  public void stop() {
    stopping = true;
    consumer.wakeup();
  }

  @Override
  public void run() {
    consumer.subscribe(
        List.of(topic),
        new ConsumerRebalanceListener() {
          @Override
          public void onPartitionsRevoked(Collection<TopicPartition> partitions) {}

          @Override
          public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            LOG.info("loader assigned {}", partitions);
          }
        });
    List<BronzeManifest> pending = new ArrayList<>();
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    int pendingFiles = 0;
    try {
      while (!stopping) {
        var records = consumer.poll(Duration.ofMillis(500));
        for (ConsumerRecord<String, BronzeManifest> record : records) {
          if (record.value() == null) {
            continue; // a tombstone carries no files
          }
          pending.add(record.value());
          pendingFiles += record.value().getFiles().size();
          offsets.put(
              new TopicPartition(record.topic(), record.partition()),
              new OffsetAndMetadata(record.offset() + 1));
        }
        // Load a full batch at once; a smaller one once the topic is drained for now and the
        // minimum interval between batches has passed.
        if (cadence.due(pendingFiles, records.isEmpty())) {
          cadence.started();
          for (List<BronzeManifest> batch : coalescer.coalesce(pending)) {
            loadUntilDone(MicroBatch.of(batch));
          }
          consumer.commitSync(offsets);
          pending.clear();
          offsets.clear();
          pendingFiles = 0;
        }
      }
    } catch (WakeupException e) {
      if (!stopping) {
        throw e;
      }
    }
  }

  private void loadUntilDone(MicroBatch batch) {
    for (int attempt = 1; !stopping; attempt++) {
      try {
        onBatch.accept(loader.load(batch, false));
        return;
      } catch (SQLException | IOException | RuntimeException e) {
        onFailure.accept(e);
        long backoff = BACKOFF.ceiling(attempt).toMillis();
        LOG.warn(
            "{}loader batch {} failed and was rolled back as a whole (attempt {}): {}; retrying in {} ms",
            attempt >= 5 ? "alert=true " : "",
            batch.id(),
            attempt,
            e.toString(),
            backoff);
        sleep(backoff);
      }
    }
    throw new WakeupException(); // stopping: nothing committed for this batch, it is loaded on the
    // next start
  }

  private void sleep(long millis) {
    long until = System.nanoTime() + millis * 1_000_000;
    while (!stopping && System.nanoTime() < until) {
      try {
        Thread.sleep(Math.min(100, millis));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        stopping = true;
      }
    }
  }
}
