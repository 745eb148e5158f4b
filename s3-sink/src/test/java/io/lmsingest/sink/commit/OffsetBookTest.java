package io.lmsingest.sink.commit;

import static org.assertj.core.api.Assertions.assertThat;

import io.lmsingest.schemas.BronzeManifest;
import io.lmsingest.sink.bronze.WrittenFile;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** The sink's bookkeeping without S3 or a broker. */
class OffsetBookTest {
  static final String TOPIC = "v1";
  static final TopicPartition P0 = new TopicPartition(TOPIC, 0);
  static final TopicPartition P1 = new TopicPartition(TOPIC, 1);

  static DurableFile file(
      int partition, long start, long storedEnd, long localEnd, boolean adopted) {
    WrittenFile stored =
        new WrittenFile(
            Path.of("/unused"),
            "k",
            partition,
            start,
            storedEnd,
            storedEnd - start + 1,
            100,
            "sha",
            "fp",
            Optional.empty(),
            Optional.empty());
    return new DurableFile(
        stored,
        adopted,
        localEnd,
        BronzeManifest.newBuilder()
            .setBatchId("b")
            .setTopic(TOPIC)
            .setCreatedAt(Instant.EPOCH)
            .setFiles(List.of())
            .build(),
        Duration.ZERO);
  }

  @Test
  void anExpiredRangeMovesTheMarkAndAsksForAlignmentWithBronze() {
    OffsetBook book = new OffsetBook(Clock.systemUTC());
    book.assigned(P0, new OffsetAndMetadata(100, OffsetBook.BOUNDARY));
    assertThat(book.unaligned(P0)).isFalse();
    book.expired(P0, 250);
    assertThat(book.committed(P0)).hasValue(250);
    assertThat(book.unaligned(P0)).as("250 may lie inside an object written before").isTrue();
    assertThat(book.skip(P0, 249)).isTrue();
    assertThat(book.skip(P0, 250)).isFalse();
  }

  @Test
  void durableFilesAreCommittedOneAfterTheirLastOffset() {
    OffsetBook book = new OffsetBook(Clock.systemUTC());
    book.assigned(P0, 0);
    book.assigned(P1, 40);
    Map<TopicPartition, OffsetAndMetadata> commits =
        book.offsetsFor(
            TOPIC,
            List.of(
                file(0, 0, 99, 99, false),
                file(1, 40, 59, 59, false),
                file(0, 100, 149, 149, false)));
    assertThat(commits)
        .containsEntry(P0, new OffsetAndMetadata(150, OffsetBook.BOUNDARY))
        .containsEntry(P1, new OffsetAndMetadata(60, OffsetBook.BOUNDARY));
    book.committed(commits);
    assertThat(book.committed(P0)).isEqualTo(OptionalLong.of(150));
    assertThat(book.skip(P0, 149)).as("already durable").isTrue();
    assertThat(book.skip(P0, 150)).isFalse();
  }

  @Test
  void anAdoptedObjectEndingElsewhereMovesThePositionAndTheRestOfTheBatchIsSkipped() {
    assertThat(file(0, 0, 999, 999, true).movesPosition())
        .as("same range: the position is right already")
        .isFalse();
    assertThat(file(0, 0, 1499, 999, true).movesPosition())
        .as("stored object covers more")
        .isTrue();
    assertThat(file(0, 0, 499, 999, true).movesPosition()).as("stored object covers less").isTrue();
    assertThat(file(0, 0, 499, 999, false).movesPosition()).isFalse();

    OffsetBook book = new OffsetBook(Clock.systemUTC());
    book.assigned(P0, 0);
    book.startBatch();
    book.committed(book.offsetsFor(TOPIC, List.of(file(0, 0, 1499, 999, true))));
    book.repositioned(P0);
    assertThat(book.skip(P0, 1000)).isTrue();
    assertThat(book.skip(P0, 1600))
        .as("every record of this batch: the consumer reads them again")
        .isTrue();
    assertThat(book.skip(P1, 5)).isFalse();
    book.startBatch();
    assertThat(book.skip(P0, 1500)).isFalse();
  }

  @Test
  void partitionsWithoutAnOpenFileAreCommittedPastTransactionMarkers() {
    OffsetBook book = new OffsetBook(Clock.systemUTC());
    book.assigned(P0, 100);
    book.assigned(P1, 100);
    Map<TopicPartition, OffsetAndMetadata> idle =
        book.pastMarkers(Set.of(P0, P1), tp -> tp.equals(P1), tp -> 101L);
    assertThat(idle)
        .containsOnlyKeys(P0)
        .containsEntry(P0, new OffsetAndMetadata(101, OffsetBook.BOUNDARY));
    assertThat(book.pastMarkers(Set.of(P0), tp -> false, tp -> 100L)).isEmpty();
    book.revoked(List.of(P0));
    assertThat(book.pastMarkers(Set.of(P0), tp -> false, tp -> 105L))
        .as("not ours any more")
        .isEmpty();
  }

  @Test
  void failuresBackOffExponentiallyAndTellSinceWhen() {
    Instant t0 = Instant.parse("2026-11-26T10:00:00Z");
    OffsetBook book = new OffsetBook(Clock.fixed(t0, ZoneOffset.UTC));
    assertThat(book.failing()).isEmpty();
    assertThat(book.failed("S3Exception")).isEqualTo(Duration.ofMillis(200));
    assertThat(book.failed("S3Exception")).isEqualTo(Duration.ofMillis(400));
    for (int i = 0; i < 10; i++) {
      book.failed("SdkClientException");
    }
    assertThat(book.failed("SdkClientException")).isEqualTo(Duration.ofSeconds(10));
    assertThat(book.failuresInARow()).isEqualTo(13);
    assertThat(book.failing())
        .get()
        .asString()
        .contains("13 failure(s) in a row")
        .contains("since 2026-11-26T10:00:00Z")
        .contains("last: SdkClientException");
    book.succeeded();
    assertThat(book.failing()).isEmpty();
    assertThat(book.failed("x")).as("a new run starts small").isEqualTo(Duration.ofMillis(200));
  }

  @Test
  void onlyOffsetsTheSinkCommittedItselfAreKnownFileBoundaries() {
    OffsetBook book = new OffsetBook(Clock.systemUTC());
    book.assigned(P0, new OffsetAndMetadata(500, OffsetBook.BOUNDARY));
    book.assigned(P1, new OffsetAndMetadata(750)); // a reset by another tool
    TopicPartition fresh = new TopicPartition(P0.topic(), 9);
    book.assigned(fresh, (OffsetAndMetadata) null); // a new group: the log start, wherever it is
    assertThat(book.unaligned(P0)).isFalse();
    assertThat(book.unaligned(P1)).isTrue();
    assertThat(book.unaligned(fresh)).isTrue();
    assertThat(book.committed(fresh)).hasValue(0);
    book.aligned(P1);
    assertThat(book.unaligned(P1)).isFalse();
  }
}
