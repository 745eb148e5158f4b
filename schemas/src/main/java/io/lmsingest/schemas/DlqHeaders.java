package io.lmsingest.schemas;

/**
 * The headers of a DLQ record ({@link Topics#DLQ}): why it was rejected and where it came from. The
 * value is always the original bytes: what the raw topic held (validator), or the record's JSON as
 * the LMS API served it (poller).
 */
public final class DlqHeaders {
  /** The rule broken, e.g. {@code missing_learner_id} or {@code unparsable_record}. */
  public static final String RULE = "lms.dlq.rule";

  /** A human-readable detail (ids and times, no other payload values). */
  public static final String DETAIL = "lms.dlq.detail";

  /** The topic the record was read from, or {@code lms-api:<source>} for the poller's rejects. */
  public static final String SOURCE_TOPIC = "lms.dlq.source.topic";

  public static final String SOURCE_PARTITION = "lms.dlq.source.partition";
  public static final String SOURCE_OFFSET = "lms.dlq.source.offset";

  /** On a record redriven from the DLQ: which DLQ record it was (dlq-topic/partition/offset). */
  public static final String REDRIVEN_FROM = "lms.redriven.from";

  /** The poller's rule: an API record it cannot map to a LearnerActivity without guessing. */
  public static final String UNPARSABLE_RECORD = "unparsable_record";

  private DlqHeaders() {}
}
