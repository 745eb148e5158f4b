package io.lmsingest.sink.upload;

/**
 * A Bronze key is taken by an object written from another incarnation of the input topic: the topic
 * was deleted and recreated (or the broker's storage wiped) while Bronze kept its objects, so new
 * offsets name old keys. Nothing was adopted or overwritten; the sink stops and says what to do.
 */
public final class ForeignIncarnationException extends IllegalStateException {
  public ForeignIncarnationException(String key, String storedTopicId, String currentTopicId) {
    super(
        "object "
            + key
            + " was written from another incarnation of the topic (topic id "
            + storedTopicId
            + "; the topic now has id "
            + currentTopicId
            + "): the topic was recreated or the broker's data wiped while Bronze kept its"
            + " objects, so new offsets collide with old keys. Nothing was adopted or"
            + " overwritten. Move the old objects out of the sink's bronze.prefix (or give the"
            + " sink a new bronze.prefix), then start the sink again");
  }
}
