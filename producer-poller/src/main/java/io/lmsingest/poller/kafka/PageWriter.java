package io.lmsingest.poller.kafka;

import io.lmsingest.poller.api.ActivityApiClient;
import io.lmsingest.poller.api.ApiFailure;
import io.lmsingest.poller.api.PageRequest;
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
import java.util.Optional;
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
 * Writes API pages to Kafka as ONE transaction: the pages' new records to the raw topic, their
 * unparsable elements to the DLQ, and the advanced cursor to the cursor topic, committed together
 * or not at all. While the API has more, a transaction takes up to {@code maxPages} pages or {@code
 * maxDuration}: a commit costs as long as fetching a page here (10 ms against 30 ms on a busy box),
 * so a backfill committing every page spent a quarter of its time waiting for commits. A page is
 * held until it is read whole and only then sent, so a page that fails ends the transaction with
 * the pages before it committed, as if each page were its own. This class owns the producer's
 * transactions; nothing else begins, commits or aborts one.
 */
public final class PageWriter implements AutoCloseable {
  /** Fetches a page, handing its records to the given sink as they arrive. */
  @FunctionalInterface
  public interface PageSource {
    PageResult fetchInto(ActivityApiClient.ActivitySink sink) throws ApiFailure;
  }

  /** Fetches the page {@code request} asks for, handing its records to the sink as they arrive. */
  @FunctionalInterface
  public interface PageFetcher {
    PageResult fetch(PageRequest request, ActivityApiClient.ActivitySink sink) throws ApiFailure;
  }

  /**
   * A committed transaction: the last page's result (its next request is where to go on), the mark
   * after it, pages, records written and records sent to the DLQ, the versions (written or
   * rejected) the look-back must not take again, and the failure of the page after the last one if
   * that ended the transaction (the pages before it are committed; that page is not).
   */
  public record Committed(
      PageResult page,
      HighWaterMark mark,
      int pages,
      int written,
      int rejected,
      Lateness lateness,
      List<RecentChanges.Version> versions,
      Optional<ApiFailure> interruptedBy) {}

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
  private final int maxPages;
  private final Duration maxDuration;
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
      Duration lookBack,
      int maxPages,
      Duration maxDuration) {
    if (maxPages < 1) {
      throw new IllegalArgumentException("maxPages must be >= 1");
    }
    this.maxPages = maxPages;
    this.maxDuration = maxDuration;
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

  /** One page as one transaction (see {@link #write(HighWaterMark, PageRequest, PageFetcher)}). */
  public Committed write(HighWaterMark from, PageSource page) throws ApiFailure {
    return write(from, null, (request, sink) -> page.fetchInto(sink), 1);
  }

  /**
   * Runs one transaction: begin, {@code first} and, while the API has more, the pages after it (up
   * to {@code maxPages}, none started after {@code maxDuration}), every record not written before,
   * the new cursor, commit. A record is written unless it is among the recent changes (or earlier
   * in the transaction): one at or before the mark its page started from is a late change, or a tie
   * the API ordered differently, that the look-back re-read brought; it is written and counted,
   * never dropped. The new mark is the newest record written.
   *
   * <p>A page that fails (the API mid-page) is dropped whole, and the pages before it commit; with
   * none before it, nothing does and the failure is thrown. A failure of Kafka aborts the whole
   * transaction, so nothing of it becomes visible and the cursor stays where it was.
   */
  public Committed write(HighWaterMark from, PageRequest first, PageFetcher fetcher)
      throws ApiFailure {
    return write(from, first, fetcher, maxPages);
  }

  private Committed write(HighWaterMark from, PageRequest first, PageFetcher fetcher, int limit)
      throws ApiFailure {
    if (pendingCommit != null) {
      // The transaction whose commit timed out: commit it again, nothing else (no new page, no
      // abort).
      Committed pending = pendingCommit;
      try {
        commit(pending);
      } catch (KafkaException e) {
        throw fatalOr(e);
      }
      return pending;
    }
    if (abortPending) {
      // A failed transaction's abort timed out: Kafka allows only the same abort again first.
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
    long deadline = System.nanoTime() + maxDuration.toNanos();
    TransactionState state = new TransactionState(from);
    try {
      PageRequest request = first;
      PageResult result;
      while (true) {
        PageBuffer page = new PageBuffer(state);
        try {
          result = fetcher.fetch(request, page);
        } catch (ApiFailure e) {
          if (state.pages == 0) {
            abort(e);
            throw e;
          }
          state.interruptedBy = e; // the pages before it commit; this one is fetched again
          result = state.last;
          break;
        }
        page.send();
        state.last = result;
        if (!result.hasMore() || state.pages >= limit || System.nanoTime() >= deadline) {
          break;
        }
        request = result.next().orElseThrow();
      }
      if (!state.versions.isEmpty()) {
        producer.send(
            new ProducerRecord<>(
                cursorTopic, source, cursor(state.mark, state.pages, state.versions.size())));
      }
      Committed done = state.committed(result);
      commit(done);
      return done;
    } catch (CommitTimedOutException e) {
      throw e; // not aborted: the transaction waits for its commit to be retried
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

  /** What one transaction has written so far: the pages read whole and sent. */
  private final class TransactionState {
    private HighWaterMark mark;
    private final List<RecentChanges.Version> versions = new ArrayList<>();
    private final List<RecentChanges.Version> rejectedVersions = new ArrayList<>();
    private final Set<RecentChanges.Version> seen = new HashSet<>();
    private int pages;
    private int rejected;
    private int behindMark;
    private int outsideLookBack;
    private Duration latest = Duration.ZERO;
    private PageResult last;
    private ApiFailure interruptedBy;

    TransactionState(HighWaterMark from) {
      this.mark = from;
    }

    Committed committed(PageResult result) {
      List<RecentChanges.Version> remembered = new ArrayList<>(versions);
      remembered.addAll(rejectedVersions);
      return new Committed(
          result,
          mark,
          pages,
          versions.size(),
          rejected,
          new Lateness(behindMark, outsideLookBack, latest),
          List.copyOf(remembered),
          Optional.ofNullable(interruptedBy));
    }
  }

  /** One page being read: held until it is whole, then sent in the transaction. */
  private final class PageBuffer implements ActivityApiClient.ActivitySink {
    private final TransactionState transaction;

    /** The mark the page started from: records at or before it are late. */
    private final HighWaterMark pageFrom;

    private HighWaterMark mark;
    private final List<ProducerRecord<String, Object>> records = new ArrayList<>();
    private final List<RecentChanges.Version> versions = new ArrayList<>();
    private final List<RecentChanges.Version> rejectedVersions = new ArrayList<>();
    private final Set<RecentChanges.Version> inPage = new HashSet<>();
    private int behindMark;
    private int outsideLookBack;
    private Duration latest = Duration.ZERO;

    PageBuffer(TransactionState transaction) {
      this.transaction = transaction;
      this.pageFrom = transaction.mark;
      this.mark = transaction.mark;
    }

    private boolean writtenBefore(RecentChanges.Version version) {
      return recent.contains(version) || transaction.seen.contains(version) || !inPage.add(version);
    }

    @Override
    public void accept(LearnerActivity activity) {
      RecentChanges.Version version = RecentChanges.Version.of(activity);
      if (writtenBefore(version)) {
        return; // a repeat at a page boundary, or the look-back's re-read
      }
      if (!pageFrom.precedes(activity)) {
        behindMark++;
        Duration late = Duration.between(activity.getUpdatedAt(), pageFrom.updatedAt());
        if (late.compareTo(latest) > 0) {
          latest = late;
        }
        if (late.compareTo(lookBack) > 0) {
          outsideLookBack++;
        }
      }
      records.add(new ProducerRecord<>(rawTopic, activity.getActivityId(), activity));
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
        if (writtenBefore(version)) {
          return;
        }
        rejectedVersions.add(version);
      }
      records.add(dlqRecord(record));
    }

    /** The whole page into the transaction. */
    void send() {
      for (ProducerRecord<String, Object> record : records) {
        producer.send(record);
      }
      TransactionState t = transaction;
      t.pages++;
      t.versions.addAll(versions);
      t.rejectedVersions.addAll(rejectedVersions);
      t.seen.addAll(inPage);
      t.rejected += records.size() - versions.size();
      t.behindMark += behindMark;
      t.outsideLookBack += outsideLookBack;
      if (latest.compareTo(t.latest) > 0) {
        t.latest = latest;
      }
      t.mark = mark;
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
      pages += page.pages();
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

  private PollerCursor cursor(HighWaterMark mark, int pagesWritten, int written) {
    return PollerCursor.newBuilder()
        .setSource(source)
        .setUpdatedAt(mark.updatedAt())
        .setActivityId(mark.activityId())
        .setCommittedAt(clock.instant())
        .setPages(pages + pagesWritten)
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
