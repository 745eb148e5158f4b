package io.lmsingest.loader.source;

import io.lmsingest.schemas.BronzeManifest;
import io.lmsingest.schemas.ManifestJson;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Optional;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Reads the manifests the sink left in S3, for a replay that needs neither Kafka nor the LMS API:
 * every manifest created at or after {@code from}, one at a time in listing order, the listing
 * itself fetched page by page, so a replay of a whole bucket holds one batch, not the bucket. The
 * order does not matter: MERGE keeps the newest version of each activity whatever order its files
 * load in, and the ledger decides which files load at all.
 */
public final class ManifestReplay {
  /** How far the sink's clock (createdAt) and S3's (LastModified) may disagree. */
  private static final Duration CLOCK_SKEW = Duration.ofHours(1);

  private ManifestReplay() {}

  public static Iterator<BronzeManifest> manifests(
      S3Client s3, String bucket, String prefix, Optional<Instant> from) {
    Iterator<S3Object> listing =
        s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix + "/")).contents().iterator();
    return new Iterator<>() {
      private BronzeManifest next = advance();

      private BronzeManifest advance() {
        while (listing.hasNext()) {
          S3Object object = listing.next();
          if (!object.key().endsWith(".json")) {
            continue;
          }
          if (from.isPresent()
              && object.lastModified() != null
              && object.lastModified().isBefore(from.get().minus(CLOCK_SKEW))) {
            continue; // written well before from: created before it too, no need to read it
          }
          BronzeManifest manifest =
              ManifestJson.read(
                  s3.getObjectAsBytes(b -> b.bucket(bucket).key(object.key())).asUtf8String(),
                  object.key());
          if (from.isEmpty() || !manifest.getCreatedAt().isBefore(from.get())) {
            return manifest;
          }
        }
        return null;
      }

      @Override
      public boolean hasNext() {
        return next != null;
      }

      @Override
      public BronzeManifest next() {
        if (next == null) {
          throw new NoSuchElementException();
        }
        BronzeManifest current = next;
        next = advance();
        return current;
      }
    };
  }
}
