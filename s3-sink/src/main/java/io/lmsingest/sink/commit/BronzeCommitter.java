package io.lmsingest.sink.commit;

import io.lmsingest.schemas.BronzeManifest;
import io.lmsingest.sink.bronze.WrittenFile;
import io.lmsingest.sink.manifest.ManifestPublisher;
import io.lmsingest.sink.upload.BronzeUploader;
import io.lmsingest.sink.upload.Uploaded;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns finished files into durable ones: upload with a conditional create (or adoption of the
 * object already there), then its manifest in S3, then the manifest announced. Returns only when
 * all of that is durable; it never commits Kafka offsets (the caller does, from what is returned).
 */
public final class BronzeCommitter {
  private static final Logger LOG = LoggerFactory.getLogger(BronzeCommitter.class);

  private final BronzeUploader uploader;
  private final ManifestPublisher manifests;
  private final ManifestAnnouncer announcer;
  private final Clock clock;

  public BronzeCommitter(
      BronzeUploader uploader,
      ManifestPublisher manifests,
      ManifestAnnouncer announcer,
      Clock clock) {
    this.uploader = uploader;
    this.manifests = manifests;
    this.announcer = announcer;
    this.clock = clock;
  }

  /**
   * Makes {@code files} of {@code topic} durable, one manifest each; local files are deleted either
   * way.
   */
  public List<DurableFile> commit(String topic, List<WrittenFile> files) throws IOException {
    List<DurableFile> durable = new ArrayList<>();
    try {
      for (WrittenFile written : files) {
        long started = System.nanoTime();
        Uploaded uploaded;
        try {
          uploaded = uploader.upload(written);
        } finally {
          Files.deleteIfExists(written.localFile());
        }
        Duration upload = Duration.ofNanos(System.nanoTime() - started);
        WrittenFile stored = uploaded.stored();
        BronzeManifest manifest =
            ManifestPublisher.manifest(
                topic,
                uploader.topicId().isEmpty() ? null : uploader.topicId(),
                List.of(stored),
                clock.instant());
        manifests.write(
            manifest); // false = already there from before a crash: it is announced again anyway
        announcer.announce(manifest);
        durable.add(
            new DurableFile(stored, uploaded.adopted(), written.endOffset(), manifest, upload));
        LOG.info(
            "bronze file {} rows={} offsets={}..{}{}",
            stored.key(),
            stored.rows(),
            stored.startOffset(),
            stored.endOffset(),
            uploaded.adopted() ? " (adopted: already durable)" : "");
      }
    } finally {
      for (WrittenFile file : files) {
        Files.deleteIfExists(file.localFile());
      }
    }
    announcer.awaitAll(); // manifests are on Kafka before anyone moves an offset
    return durable;
  }
}
