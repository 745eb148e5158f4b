package io.lmsingest.sink.upload;

/**
 * The object for a Bronze key is durable. {@code adopted} means it was already there (written before
 * a crash); its end offset and row count are read from its metadata, so the caller seeks past it
 * instead of writing it again under another name.
 */
public record UploadResult(String key, boolean adopted, long endOffset, long rows, String sha256) {}
