package io.lmsingest.poller.api;

import java.time.Instant;
import java.util.Optional;

/**
 * An element of a page that is not a valid activity: its JSON as served (re-serialized, same
 * content), its activity_id and updated_at where they can be read, and why it could not be taken.
 * It goes to the DLQ.
 */
public record UnparsableRecord(
    String json, Optional<String> activityId, Optional<Instant> updatedAt, String reason)
    implements ActivityJsonReader.Parsed {}
