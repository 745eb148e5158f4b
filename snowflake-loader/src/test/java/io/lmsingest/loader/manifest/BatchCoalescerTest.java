package io.lmsingest.loader.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import io.lmsingest.schemas.BronzeFile;
import io.lmsingest.schemas.BronzeManifest;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BatchCoalescerTest {
  static BronzeManifest manifest(int n, long rows, long bytes) {
    BronzeManifest m =
        MicroBatchTest.manifest("bronze/learner_activity/dt=2026-11-24/t+0+" + n + ".parquet");
    BronzeFile f = m.getFiles().get(0);
    f.setRowCount(rows);
    f.setSizeBytes(bytes);
    return m;
  }

  static List<Integer> sizes(List<List<BronzeManifest>> batches) {
    return batches.stream().map(List::size).toList();
  }

  @Test
  void batchesStopAtTheRowCapSoABacklogNeverOutgrowsTheWarehouseMemory() {
    List<BronzeManifest> backlog =
        IntStream.range(0, 10).mapToObj(i -> manifest(i, 150_000, 5_000_000)).toList();
    assertThat(sizes(new BatchCoalescer(1000, 1L << 30, 400_000).coalesce(backlog)))
        .as("2 x 150,000 rows fit under 400,000, a third does not")
        .containsExactly(2, 2, 2, 2, 2);
    assertThat(sizes(new BatchCoalescer(1000, 1L << 30).coalesce(backlog)))
        .as("without a row cap: one batch")
        .containsExactly(10);
  }

  @Test
  void aFileAboveACapStillLoadsAsItsOwnBatchAndTheOtherCapsStillHold() {
    List<BronzeManifest> files =
        List.of(
            manifest(0, 10, 100),
            manifest(1, 900_000, 100),
            manifest(2, 10, 100),
            manifest(3, 10, 100),
            manifest(4, 10, 100));
    assertThat(sizes(new BatchCoalescer(2, 1L << 30, 400_000).coalesce(files)))
        .containsExactly(1, 1, 2, 1);
    assertThat(sizes(new BatchCoalescer(1000, 250, 400_000).coalesce(files)))
        .as("bytes: two files of 100 under 250")
        .containsExactly(1, 1, 2, 1);
  }
}
