package io.lmsingest.sink.upload;

import io.lmsingest.sink.bronze.WrittenFile;

/**
 * A Bronze file is durable under its key. {@code adopted}: the object was already there (written
 * before a crash, or by a retried request), and {@code stored} describes that object as read from
 * its metadata (its end offset, rows, size, checksum may differ from the local file rebuilt since).
 */
public record Uploaded(WrittenFile stored, boolean adopted) {}
