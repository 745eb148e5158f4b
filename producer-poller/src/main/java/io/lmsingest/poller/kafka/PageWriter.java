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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
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
   * A committed page: its result, the mark after it, records written and records sent to the DLQ,
   * and the versions (written or rejected) the look-back must not take again.
   */
  public record Committed(
      PageResult page,
      HighWaterMark mark,
      int written,
      int rejected,
      Lateness lateness,
      List<RecentChanges.Version> versions) {}

  /**
   * Records of a page at or before the mark it started from (late changes, ties ordered another
   * way), how many of those were later than the look-back window, and the latest of them.
   */
  public record Lateness(int behindMark, int outsideLookBack, Duration latest) {}

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
  private final RecentChanges recent;
  private final Duration lookBack;
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
      PollerCursor resumedFrom,
      RecentChanges recent,
      Duration lookBack) {
    this.producer = producer;
    this.rawTopic = rawTopic;
    this.cursorTopic = cursorTopic;
    this.dlqTopic = dlqTopic;
    this.source = source;
    this.clock = clock;
    this.recent = recent;
    this.lookBack = lookBack;
    this.pages = resumedFrom == null ? 0 : resumedFrom.getPages();
    this.records = resumedFrom == null ? 0 : resumedFrom.getRecords();
  }

  /**
   * Runs one page: begin, every record not written before, the new cursor, commit. Any failure — of
   * the API mid-page or of Kafka — aborts, so nothing of the page becomes visible and the cursor
   * stays where it was.
   *
   * <p>A record is written unless it is among the recent changes (or earlier in the page): one at
   * or before {@code from} is a late change, or a tie the API ordered differently, that the
   * look-back re-read brought; it is written and counted, never dropped. The new mark is the newest
   * record written.
   */
  public Committed write(HighWaterMark from, PageSource page) throws ApiFailure {
    if (pendingCommit != null) {
      // The page whose commit timed out: commit it again, nothing else (no new page, no abort).
      Committed pending = pendingCommit;
      try {
        commit(pending);
      } catch (KafkaException e) {
        throw fatalOr(e);
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
    } catch (KafkaException e) {
      throw fatalOr(e);
    }
    PageState state = new PageState(from);
    try {
      PageResult result = page.fetchInto(state);
      if (!state.versions.isEmpty()) {
        producer.send(
            new ProducerRecord<>(cursorTopic, source, cursor(state.mark, state.versions.size())));
      }
      Committed done = state.committed(result);
      commit(done);
      return done;
    } catch (CommitTimedOutException e) {
      throw e; // not aborted: the transaction waits for its commit to be retried
    } catch (ApiFailure e) {
      abort(e);
      throw e;
    } catch (KafkaException e) {
      RuntimeException fatalOrSame = fatalOr(e);
      if (fatalOrSame == e) {
        abort(e);
      }
      throw fatalOrSame;
    } catch (RuntimeException e) {
      abort(e);
      throw e;
    }
  }

  /** What one page has written so far. */
  private final class PageState implements ActivityApiClient.ActivitySink {
    private final HighWaterMark from;
    private HighWaterMark mark;
    private final List<RecentChanges.Version> versions = new ArrayList<>();
    private final List<RecentChanges.Version> rejectedVersions = new ArrayList<>();
    private final Set<RecentChanges.Version> inPage = new HashSet<>();
    private int rejected;
    private int behindMark;
    private int outsideLookBack;
    private Duration latest = Duration.ZERO;

    PageState(HighWaterMark from) {
      this.from = from;
      this.mark = from;
    }

    @Override
    public void accept(LearnerActivity activity) {
      RecentChanges.Version version = RecentChanges.Version.of(activity);
      if (recent.contains(version) || !inPage.add(version)) {
        return; // written before: a repeat at a page boundary, or the look-back's re-read
      }
      if (!from.precedes(activity)) {
        behindMark++;
        Duration late = Duration.between(activity.getUpdatedAt(), from.updatedAt());
        if (late.compareTo(latest) > 0) {
          latest = late;
        }
        if (late.compareTo(lookBack) > 0) {
          outsideLookBack++;
        }
      }
      producer.send(new ProducerRecord<>(rawTopic, activity.getActivityId(), activity));
      versions.add(version);
      if (mark.precedes(activity)) {
        mark = HighWaterMark.of(activity);
      }
    }

    /**
     * In the page's transaction: committed with it, or not at all. A record whose id and updated_at
     * could be read goes to the DLQ once, like a written one: a repeat or the look-back's re-read
     * of it is skipped.
     */
    @Override
    public void reject(UnparsableRecord record) {
      if (record.activityId().isPresent() && record.updatedAt().isPresent()) {
        RecentChanges.Version version =
            new RecentChanges.Version(record.activityId().get(), record.updatedAt().get());
        if (recent.contains(version) || !inPage.add(version)) {
          return;
        }
        rejectedVersions.add(version);
      }
      producer.send(dlqRecord(record));
      rejected++;
    }

    Committed committed(PageResult result) {
      List<RecentChanges.Version> remembered = new ArrayList<>(versions);
      remembered.addAll(rejectedVersions);
      return new Committed(
          result,
          mark,
          versions.size(),
          rejected,
          new Lateness(behindMark, outsideLookBack, latest),
          List.copyOf(remembered));
    }
  }

  /** Versions remembered for the look-back window. */
  public int recentVersions() {
    return recent.size();
  }

  private void commit(Committed page) {
    try {
      producer.commitTransaction();
    } catch (TimeoutException e) {
      pendingCommit = page;
      throw new CommitTimedOutException(e);
    }
    pendingCommit = null;
    recent.addAll(page.versions());
    recent.forgetBefore(page.mark().updatedAt().minus(lookBack));
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

  /** The exception to throw for {@code e}: fatal for the errors a producer cannot survive. */
  private RuntimeException fatalOr(KafkaException e) {
    if (e instanceof ProducerFencedException
        || e instanceof OutOfOrderSequenceException
        || e instanceof AuthorizationException
        || e instanceof UnsupportedVersionException) {
      return fatal(e);
    }
    return e;
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
