package io.lmsingest.loader;

import static org.assertj.core.api.Assertions.assertThat;

import io.lmsingest.loader.manifest.BatchCoalescer;
import io.lmsingest.loader.source.ManifestReplay;
import io.lmsingest.schemas.BronzeManifest;
import io.lmsingest.schemas.LearnerActivity;
import io.lmsingest.testkit.IntegrationTest;
import io.lmsingest.testkit.S3Fixture;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code replay loader} streams the bucket's manifests: each batch is loaded while the listing is
 * still being read, so it holds one batch of manifests, never the bucket.
 */
@IntegrationTest
class ReplayStreamsIT {
  @Test
  void batchesAreHandedOnBeforeTheRestOfTheBucketIsRead(S3Fixture s3, @TempDir Path dir)
      throws Exception {
    String bucket = s3.newBucket();
    List<BronzeManifest> written =
        BronzeFixture.write(
            s3,
            bucket,
            dir.resolve("bronze"),
            BronzeFixture.timeline(91),
            0,
            12_000,
            3,
            500,
            new long[3],
            LearnerActivity.getClassSchema());
    assertThat(written).hasSizeGreaterThanOrEqualTo(20);

    int[] read = {0};
    Iterator<BronzeManifest> listing =
        ManifestReplay.manifests(
            s3.client(), bucket, "manifests/learner_activity", Optional.empty());
    Iterator<BronzeManifest> counted =
        new Iterator<>() {
          @Override
          public boolean hasNext() {
            return listing.hasNext();
          }

          @Override
          public BronzeManifest next() {
            read[0]++;
            return listing.next();
          }
        };
    List<Integer> sizes = new ArrayList<>();
    int[] handed = {0};
    new BatchCoalescer(4, 1L << 40)
        .coalesce(
            counted,
            batch -> {
              handed[0] += batch.size();
              // what was read is this batch, the ones before, and at most the one that closed it
              assertThat(read[0]).isLessThanOrEqualTo(handed[0] + 1);
              sizes.add(batch.size());
            });
    assertThat(handed[0]).isEqualTo(written.size());
    assertThat(sizes).allMatch(n -> n <= 4).hasSize((written.size() + 3) / 4);

    // --from: only manifests created at or after it.
    List<Instant> created =
        written.stream()
            .map(BronzeManifest::getCreatedAt)
            .sorted(Comparator.naturalOrder())
            .toList();
    Instant from = created.get(created.size() / 2);
    long expected = created.stream().filter(t -> !t.isBefore(from)).count();
    long got = 0;
    for (Iterator<BronzeManifest> it =
            ManifestReplay.manifests(
                s3.client(), bucket, "manifests/learner_activity", Optional.of(from));
        it.hasNext(); ) {
      assertThat(it.next().getCreatedAt()).isAfterOrEqualTo(from);
      got++;
    }
    assertThat(got).isEqualTo(expected);
  }
}
