package io.lmsingest.schemas;

/**
 * How Bronze lies in S3: key prefixes, the lineage columns every Bronze row carries, and the object
 * metadata every Bronze object carries (what adoption after a crash and the loader's checks read).
 */
public final class BronzeLayout {
  public static final String BRONZE_PREFIX = "bronze/learner_activity";
  public static final String MANIFEST_PREFIX = "manifests/learner_activity";

  /** Lineage columns: the Kafka coordinates and timestamp of the row's record. */
  public static final String PARTITION_COLUMN = "_kafka_partition";

  public static final String OFFSET_COLUMN = "_kafka_offset";
  public static final String TIMESTAMP_COLUMN = "_kafka_timestamp";

  /** Object metadata keys (x-amz-meta-*). */
  public static final String META_START_OFFSET = "lms-start-offset";

  public static final String META_END_OFFSET = "lms-end-offset";
  public static final String META_ROWS = "lms-rows";
  public static final String META_SHA256 = "lms-sha256";
  public static final String META_SCHEMA = "lms-schema-fingerprint";
  public static final String META_MIN_UPDATED_AT = "lms-min-updated-at";
  public static final String META_MAX_UPDATED_AT = "lms-max-updated-at";

  /** Kafka topic id of the topic the object's records came from: which incarnation of it. */
  public static final String META_TOPIC_ID = "lms-topic-id";

  private BronzeLayout() {}
}
