package io.lmsingest.poller.kafka;

import io.lmsingest.poller.api.ActivityApiClient;
import io.lmsingest.poller.api.ApiFailure;
import io.lmsingest.poller.api.PageResult;
import io.lmsingest.schemas.PollerCursor;
import java.time.Clock;
import java.time.Duration;
import org.apache.avro.generic.IndexedRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.UnsupportedVersionException;

/**
 * Writes one API page to Kafka as ONE transaction: the page's new records to the raw topic and the
 * advanced cursor to the cursor topic, committed together or not at all. This class owns the
 * producer's transactions; nothing else begins, commits or aborts one.
 */
public final class PageWriter implements AutoCloseable {
  /** Fetches a page, handing its records to the given sink as they arrive. */
  @FunctionalInterface
  public interface PageSource {
    PageResult fetchInto(ActivityApiClient.ActivitySink sink) throws ApiFailure;
  }

  /** A committed page: its result and the mark after it. */
  public record Committed(PageResult page, HighWaterMark mark, int written) {}

  /**
   * The producer was fenced by a newer poller with the same transactional.id, or is otherwise
   * unusable.
   */
  public static final class FatalProducerException extends RuntimeException {
    FatalProducerException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private final Producer<String, IndexedRecord> producer;
  private final String rawTopic;
  private final String cursorTopic;
  private final String source;
  private final Clock clock;
  private long pages;
  private long records;

  public PageWriter(
      Producer<String, IndexedRecord> producer,
      String rawTopic,
      String cursorTopic,
      String source,
      Clock clock,
      PollerCursor resumedFrom) {
    this.producer = producer;
    this.rawTopic = rawTopic;
    this.cursorTopic = cursorTopic;
    this.source = source;
    this.clock = clock;
    this.pages = resumedFrom == null ? 0 : resumedFrom.getPages();
    this.records = resumedFrom == null ? 0 : resumedFrom.getRecords();
  }

  /**
   * Runs one page: begin, every record after {@code from}, the new cursor, commit. Any failure — of
   * the API mid-page or of Kafka — aborts, so nothing of the page becomes visible and the cursor
   * stays where it was.
   */
  public Committed write(HighWaterMark from, PageSource page) throws ApiFailure {
    try {
      producer.beginTransaction();
    } catch (ProducerFencedException
        | OutOfOrderSequenceException
        | AuthorizationException
        | UnsupportedVersionException e) {
      throw fatal(e);
    }
    HighWaterMark[] mark = {from};
    int[] written = {0};
    try {
      PageResult result =
          page.fetchInto(
              activity -> {
                if (mark[0].precedes(activity)) {
                  producer.send(new ProducerRecord<>(rawTopic, activity.getActivityId(), activity));
                  mark[0] = HighWaterMark.of(activity);
                  written[0]++;
                }
              });
      if (written[0] > 0) {
        producer.send(new ProducerRecord<>(cursorTopic, source, cursor(mark[0], written[0])));
      }
      producer.commitTransaction();
      if (written[0] > 0) {
        pages++;
        records += written[0];
      }
      return new Committed(result, mark[0], written[0]);
    } catch (ProducerFencedException
        | OutOfOrderSequenceException
        | AuthorizationException
        | UnsupportedVersionException e) {
      throw fatal(e);
    } catch (ApiFailure | KafkaException e) {
      abort();
      throw e;
    } catch (RuntimeException e) {
      abort();
      throw e;
    }
  }

  private PollerCursor cursor(HighWaterMark mark, int written) {
    return PollerCursor.newBuilder()
        .setSource(source)
        .setUpdatedAt(mark.updatedAt())
        .setActivityId(mark.activityId())
        .setCommittedAt(clock.instant())
        .setPages(pages + 1)
        .setRecords(records + written)
        .build();
  }

  private void abort() {
    try {
      producer.abortTransaction();
    } catch (ProducerFencedException e) {
      throw fatal(e);
    }
  }

  private FatalProducerException fatal(KafkaException e) {
    // Kafka's rule: a fenced or broken transactional producer cannot be reused; close it.
    producer.close(Duration.ZERO);
    return new FatalProducerException(
        "transactional producer unusable ("
            + e.getClass().getSimpleName()
            + "): another poller with the same transactional.id probably took over",
        e);
  }

  @Override
  public void close() {
    producer.close();
  }
}
