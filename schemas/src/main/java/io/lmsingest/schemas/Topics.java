package io.lmsingest.schemas;

/**
 * The pipeline's topics (defaults; every service can be pointed elsewhere by config). Key =
 * activity_id on the activity topics, so every version of an activity stays in one partition.
 */
public final class Topics {
  /** What the poller writes: the API's records as served. */
  public static final String RAW = "lms.learner-activity.raw";

  /** What the validator passes: valid LearnerActivity records. */
  public static final String V1 = "lms.learner-activity.v1";

  /** What the validator rejects: original bytes plus {@code lms.dlq.*} reason headers. */
  public static final String DLQ = "lms.learner-activity.dlq";

  /** The pollers' cursors, compacted, key = source. */
  public static final String CURSOR = "lms.poller.cursor";

  /** One BronzeManifest per durable Bronze file, one partition. */
  public static final String MANIFESTS = "lms.bronze.manifests";

  /** Compacted: one record per DLQ record redriven (key: dlq-topic/partition/offset), for ever. */
  public static final String REDRIVEN = "lms.learner-activity.dlq.redriven";

  private Topics() {}
}
