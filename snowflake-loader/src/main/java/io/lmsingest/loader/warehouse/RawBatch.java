package io.lmsingest.loader.warehouse;

/**
 * RAW's rows of one batch, found by their {@code _batch_id}: how both dialects read a batch back
 * and replace it on a forced reload. The id reaches SQL only after it passed {@link Identifier}.
 */
final class RawBatch {
  private RawBatch() {}

  /** The batch id, checked to be safe inside a SQL string literal. */
  static String id(String batchId) {
    // Batch ids are hex digests; as an identifier they would not start with a letter.
    return Identifier.of("b" + batchId, "batch id").substring(1);
  }

  /** The condition that selects the batch's RAW rows. */
  static String filter(String batchId) {
    return "_batch_id = '" + id(batchId) + "'";
  }

  /**
   * Deletes the batch's earlier RAW rows: a forced reload of the same files has the same batch id,
   * and its rows are replaced, not doubled. Cheap otherwise.
   */
  static String delete(String batchId) {
    return "DELETE FROM raw_learner_activity WHERE " + filter(batchId);
  }
}
