package io.lmsingest.schemas;

/**
 * Default consumer groups: their committed offsets are each stage's high-water mark (reset them to
 * replay).
 */
public final class ConsumerGroups {
  /** Kafka Streams application.id of the validator (reads {@link Topics#RAW}). */
  public static final String VALIDATOR = "lms-validator";

  /** The s3-sink (reads {@link Topics#V1}). */
  public static final String SINK = "lms-s3-sink";

  /** The loader (reads {@link Topics#MANIFESTS}). */
  public static final String LOADER = "lms-snowflake-loader";

  private ConsumerGroups() {}
}
