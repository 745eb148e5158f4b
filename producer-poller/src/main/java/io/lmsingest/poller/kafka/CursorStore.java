package io.lmsingest.poller.kafka;

import io.lmsingest.kit.kafka.TopicReader;
import io.lmsingest.schemas.PollerCursor;
import java.time.Duration;
import java.util.Optional;
import org.apache.avro.generic.IndexedRecord;
import org.apache.kafka.clients.consumer.Consumer;

/**
 * Reads a source's last committed cursor from the compacted cursor topic. The consumer must be
 * read_committed, and the producer's {@code initTransactions()} must have run first, so a page
 * transaction left open by a crashed poller is aborted before its cursor could be seen.
 */
public final class CursorStore {
  private CursorStore() {}

  public static Optional<PollerCursor> latest(
      Consumer<String, IndexedRecord> consumer, String topic, String source, Duration timeout) {
    PollerCursor[] latest = {null};
    boolean exists =
        TopicReader.readAll(
            consumer,
            topic,
            timeout,
            record -> {
              if (source.equals(record.key())) {
                latest[0] = record.value() == null ? null : (PollerCursor) record.value();
              }
            });
    if (!exists) {
      throw new IllegalStateException("cursor topic " + topic + " does not exist");
    }
    return Optional.ofNullable(latest[0]);
  }
}
