package io.lmsingest.poller.api;

import java.util.Optional;

/**
 * An element of a page that is not a valid activity: its JSON as served (re-serialized, same
 * content), its activity_id if it has one, and why it could not be taken. It goes to the DLQ.
 */
public record UnparsableRecord(String json, Optional<String> activityId, String reason)
    implements ActivityJsonReader.Parsed {}
