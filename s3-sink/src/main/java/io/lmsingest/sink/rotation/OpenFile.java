package io.lmsingest.sink.rotation;

import java.time.Duration;

/** What the flush plan needs to know of one open Bronze file. */
public record OpenFile(int partition, long rows, long bytes, Duration age) {}
