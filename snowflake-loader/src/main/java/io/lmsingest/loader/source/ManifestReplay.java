package io.lmsingest.loader.source;

import io.lmsingest.schemas.BronzeManifest;
import io.lmsingest.schemas.ManifestJson;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Reads the manifests the sink left in S3, for a replay that needs neither Kafka nor the LMS API:
 * every manifest created at or after {@code from}, oldest first.
 */
public final class ManifestReplay {
  private ManifestReplay() {}

  public static List<BronzeManifest> read(
      S3Client s3, String bucket, String prefix, Optional<Instant> from) {
    List<BronzeManifest> manifests = new ArrayList<>();
    for (S3Object object :
        s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix + "/")).contents()) {
      if (!object.key().endsWith(".json")) {
        continue;
      }
      BronzeManifest manifest =
          ManifestJson.read(
              s3.getObjectAsBytes(b -> b.bucket(bucket).key(object.key())).asUtf8String(),
              object.key());
      if (from.isEmpty() || !manifest.getCreatedAt().isBefore(from.get())) {
        manifests.add(manifest);
      }
    }
    manifests.sort(
        Comparator.comparing(BronzeManifest::getCreatedAt)
            .thenComparing(BronzeManifest::getBatchId));
    return manifests;
  }
}
