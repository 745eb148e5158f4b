package io.lmsingest.poller.kafka;

import io.lmsingest.poller.api.ActivityApiClient;
import io.lmsingest.poller.api.ApiFailure;
import io.lmsingest.poller.api.PageResult;
import io.lmsingest.poller.api.UnparsableRecord;
import io.lmsingest.schemas.DlqHeaders;
import io.lmsingest.schemas.LearnerActivity;
import io.lmsingest.schemas.PollerCursor;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * Writes one API page to Kafka as ONE transaction: the page's new records to the raw topic, its
 * unparsable elements to the DLQ, and the advanced cursor to the cursor topic, committed together
 * or not at all. This class owns the producer's transactions; nothing else begins, commits or
 * aborts one.
 */
public final class PageWriter implements AutoCloseable {
  /** Fetches a page, handing its records to the given sink as they arrive. */
  @FunctionalInterface
  public interface PageSource {
    PageResult fetchInto(ActivityApiClient.ActivitySink sink) throws ApiFailure;
  }

  /**
   * A committed page: its result, the mark after it, records written and records sent to the DLQ.
   */
  public record Committed(PageResult page, HighWaterMark mark, int written, int rejected) {}

  /**
   * The producer was fenced by a newer poller with the same transactional.id, or is otherwise
   * unusable.
   */
  public static final class FatalProducerException extends RuntimeException {
    FatalProducerException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * The page's commit timed out (the broker did not answer within {@code max.block.ms}): whether it
   * committed is unknown, and Kafka allows one next step only, the same commit again (an abort
   * would throw IllegalStateException). The next {@link #write} retries it before anything else.
   */
  public static final class CommitTimedOutException extends KafkaException {
    CommitTimedOutException(TimeoutException cause) {
      super(
          "commit of the page's transaction timed out; it is retried before the next page", cause);
    }
  }

  private final Producer<String, Object> producer;
  private final String rawTopic;
  private final String cursorTopic;
  private final String dlqTopic;
  private final String source;
  private final Clock clock;
  private long pages;
  private long records;
  private Committed pendingCommit;
  private boolean abortPending;

  public PageWriter(
      Producer<String, Object> producer,
      String rawTopic,
      String cursorTopic,
      String dlqTopic,
      String source,
      Clock clock,
      PollerCursor resumedFrom) {
    this.producer = producer;
    this.rawTopic = rawTopic;
    this.cursorTopic = cursorTopic;
    this.dlqTopic = dlqTopic;
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
    if (pendingCommit != null) {
      // The page whose commit timed out: commit it again, nothing else (no new page, no abort).
      Committed pending = pendingCommit;
      try {
        commit(pending);
      } catch (ProducerFencedException
          | OutOfOrderSequenceException
          | AuthorizationException
          | UnsupportedVersionException e) {
        throw fatal(e);
      }
      return pending;
    }
    if (abortPending) {
      // A failed page's abort timed out: Kafka allows only the same abort again before a new page.
      try {
        producer.abortTransaction();
      } catch (ProducerFencedException e) {
        throw fatal(e);
      }
      abortPending = false;
    }
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
    int[] rejected = {0};
    try {
      PageResult result =
          page.fetchInto(
              new ActivityApiClient.ActivitySink() {
                @Override
                public void accept(LearnerActivity activity) {
                  if (mark[0].precedes(activity)) {
                    producer.send(
                        new ProducerRecord<>(rawTopic, activity.getActivityId(), activity));
                    mark[0] = HighWaterMark.of(activity);
                    written[0]++;
                  }
                }

                /** In the page's transaction: committed with it, or not at all. */
                @Override
                public void reject(UnparsableRecord record) {
                  producer.send(dlqRecord(record));
                  rejected[0]++;
                }
              });
      if (written[0] > 0) {
        producer.send(new ProducerRecord<>(cursorTopic, source, cursor(mark[0], written[0])));
      }
      Committed done = new Committed(result, mark[0], written[0], rejected[0]);
      commit(done);
      return done;
    } catch (CommitTimedOutException e) {
      throw e; // not aborted: the transaction waits for its commit to be retried
    } catch (ProducerFencedException
        | OutOfOrderSequenceException
        | AuthorizationException
        | UnsupportedVersionException e) {
      throw fatal(e);
    } catch (ApiFailure | KafkaException e) {
      abort(e);
      throw e;
    } catch (RuntimeException e) {
      abort(e);
      throw e;
    }
  }

  private void commit(Committed page) {
    try {
      producer.commitTransaction();
    } catch (TimeoutException e) {
      pendingCommit = page;
      throw new CommitTimedOutException(e);
    }
    pendingCommit = null;
    if (page.written() > 0) {
      pages++;
      records += page.written();
    }
  }

  /** The API's JSON of the element as the value; why and from where in the lms.dlq.* headers. */
  private ProducerRecord<String, Object> dlqRecord(UnparsableRecord record) {
    List<Header> headers =
        List.of(
            header(DlqHeaders.RULE, DlqHeaders.UNPARSABLE_RECORD),
            header(DlqHeaders.DETAIL, record.reason()),
            header(DlqHeaders.SOURCE_TOPIC, "lms-api:" + source),
            header(DlqHeaders.SOURCE_PARTITION, "-1"),
            header(DlqHeaders.SOURCE_OFFSET, "-1"));
    return new ProducerRecord<>(
        dlqTopic,
        null,
        record.activityId().orElse(null),
        record.json().getBytes(StandardCharsets.UTF_8),
        headers);
  }

  private static Header header(String name, String value) {
    return new RecordHeader(name, value.getBytes(StandardCharsets.UTF_8));
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

  /**
   * Aborts the failed page. An abort that times out (the broker not answering) is retried by the
   * next {@link #write} before it begins anything: Kafka forbids any other call until then.
   */
  private void abort(Exception failure) {
    try {
      producer.abortTransaction();
    } catch (ProducerFencedException e) {
      throw fatal(e);
    } catch (TimeoutException e) {
      abortPending = true;
      failure.addSuppressed(e);
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
