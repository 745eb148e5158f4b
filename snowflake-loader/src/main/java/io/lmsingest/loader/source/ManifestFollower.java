package io.lmsingest.loader.source;

import io.lmsingest.loader.batch.LoadAttempts;
import io.lmsingest.loader.manifest.BatchCoalescer;
import io.lmsingest.schemas.BronzeManifest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.NoOffsetForPartitionException;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the manifest topic: collects what is there (up to the batch caps), loads it as bounded
 * micro-batches, and commits the topic offsets only after the warehouse committed (or set a failing
 * manifest aside, see {@link LoadAttempts}). A crash between the two re-delivers manifests whose
 * files the ledger already holds: they are skipped.
 */
public final class ManifestFollower implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(ManifestFollower.class);

  private final org.apache.kafka.clients.consumer.Consumer<String, BronzeManifest> consumer;
  private final String topic;
  private final BatchCoalescer coalescer;
  private final BatchCadence cadence;
  private final LoadAttempts attempts;
  private final Runnable manifestsExpired;
  private volatile boolean stopping;

  public ManifestFollower(
      org.apache.kafka.clients.consumer.Consumer<String, BronzeManifest> consumer,
      String topic,
      BatchCoalescer coalescer,
      BatchCadence cadence,
      LoadAttempts attempts,
      Runnable manifestsExpired) {
    this.consumer = consumer;
    this.topic = topic;
    this.coalescer = coalescer;
    this.cadence = cadence;
    this.attempts = attempts;
    this.manifestsExpired = manifestsExpired;
  }

  public void stop() {
    stopping = true;
    consumer.wakeup();
  }

  public boolean stopping() {
    return stopping;
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
        ConsumerRecords<String, BronzeManifest> records;
        try {
          records = consumer.poll(Duration.ofMillis(500));
        } catch (NoOffsetForPartitionException e) {
          // A new group (auto.offset.reset=none): from the beginning of the topic.
          consumer.seekToBeginning(e.partitions());
          continue;
        } catch (OffsetOutOfRangeException e) {
          // Retention deleted manifests this loader had not loaded yet: load them from S3 before
          // going on from the oldest manifest the topic still has.
          LOG.warn(
              "alert=true loader: committed offsets {} are no longer in {} (retention deleted"
                  + " manifests before they were loaded); reconciling with the manifests in S3",
              e.offsetOutOfRangePartitions(),
              topic);
          manifestsExpired.run();
          consumer.seekToBeginning(e.partitions());
          continue;
        }
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
            if (!attempts.load(batch)) {
              return; // stopping: nothing committed for this batch, it is loaded on the next start
            }
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
}
