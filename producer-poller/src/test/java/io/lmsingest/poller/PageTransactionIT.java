package io.lmsingest.poller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lmsingest.poller.api.ActivityApiClient;
import io.lmsingest.poller.api.ApiFailure;
import io.lmsingest.poller.api.PageRequest;
import io.lmsingest.poller.api.PageResult;
import io.lmsingest.poller.kafka.HighWaterMark;
import io.lmsingest.poller.kafka.PageWriter;
import io.lmsingest.poller.kafka.PollerValueSerializer;
import io.lmsingest.poller.kafka.RecentChanges;
import io.lmsingest.serde.RegistryAvroSerializer;
import io.lmsingest.serde.RegistrySerdeConfig;
import io.lmsingest.testkit.IntegrationTest;
import io.lmsingest.testkit.KafkaFixture;
import io.lmsingest.testkit.RegistryFixture;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.avro.generic.IndexedRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * Several API pages in one Kafka transaction: bounded by pages and time, each page sent only once
 * it was read whole, a page that fails leaves the pages before it committed, and a page that fails
 * before any other aborts nothing visible.
 */
@IntegrationTest
class PageTransactionIT {
  static final Instant T0 = PageCommitTimeoutIT.T0;

  /** Page {@code n} (from 0) of 10 pages of 3 records each; the request names the page. */
  static final int PAGES = 10;

  @Test
  void pagesShareATransactionUpToTheLimitAndAFailedPageLeavesThoseBeforeItCommitted(
      KafkaFixture kafka, RegistryFixture registry) throws Exception {
    String raw = kafka.createTopic("raw", 3);
    try (KafkaProducer<String, Object> producer = producer(kafka, registry)) {
      PageWriter writer = writer(kafka, producer, raw, 4, Duration.ofMinutes(1));
      List<Integer> fetched = new ArrayList<>();

      // 1. Four pages (the limit) in one transaction; the fifth is where to go on.
      PageWriter.Committed first =
          writer.write(HighWaterMark.before(T0), request(0), pages(fetched, -1));
      assertThat(first.pages()).isEqualTo(4);
      assertThat(first.written()).isEqualTo(12);
      assertThat(first.interruptedBy()).isEmpty();
      assertThat(first.page().next()).contains(request(4));
      assertThat(first.mark().activityId()).isEqualTo("p3r2");

      // 2. Page 6 fails mid-way (after one of its records): pages 4 and 5 commit, page 6 does
      // not, and the failure comes back for the poller to retry page 6.
      PageWriter.Committed second = writer.write(first.mark(), request(4), pages(fetched, 6));
      assertThat(second.pages()).isEqualTo(2);
      assertThat(second.written()).isEqualTo(6);
      assertThat(second.interruptedBy()).isPresent();
      assertThat(second.page().next()).contains(request(6));
      assertThat(second.mark().activityId()).isEqualTo("p5r2");

      // 3. Page 6 fails again, first in its transaction: thrown, nothing written.
      assertThatThrownBy(() -> writer.write(second.mark(), request(6), pages(fetched, 6)))
          .isInstanceOf(ApiFailure.class);

      // 4. Then it loads, with the rest, to the last page (no more: the transaction ends there).
      PageWriter.Committed third = writer.write(second.mark(), request(6), pages(fetched, -1));
      assertThat(third.pages()).isEqualTo(4);
      assertThat(third.page().hasMore()).isFalse();
      assertThat(fetched).containsExactly(0, 1, 2, 3, 4, 5, 6, 6, 6, 7, 8, 9);
    }
    List<String> ids =
        RawTopic.readAll(kafka.bootstrapServers(), registry.url(), raw).stream()
            .map(e -> e.value().getActivityId())
            .toList();
    assertThat(ids)
        .as("every record of every page once, none of a failed page's tries")
        .hasSize(30);
    assertThat(ids).doesNotHaveDuplicates();
  }

  @Test
  void noPageJoinsATransactionAfterItsTime(KafkaFixture kafka, RegistryFixture registry)
      throws Exception {
    try (KafkaProducer<String, Object> producer = producer(kafka, registry)) {
      PageWriter writer = writer(kafka, producer, kafka.createTopic("raw", 3), 1000, Duration.ZERO);
      PageWriter.Committed one =
          writer.write(HighWaterMark.before(T0), request(0), pages(new ArrayList<>(), -1));
      assertThat(one.pages()).isEqualTo(1);
      assertThat(one.page().next()).contains(request(1));
    }
  }

  /** A writer of source {@code lms} into {@code raw} and fresh cursor and DLQ topics. */
  private static PageWriter writer(
      KafkaFixture kafka,
      KafkaProducer<String, Object> producer,
      String raw,
      int maxPages,
      Duration maxDuration) {
    producer.initTransactions();
    return new PageWriter(
        producer,
        raw,
        kafka.createTopic("cursor", 1, Map.of("cleanup.policy", "compact")),
        kafka.createTopic("dlq", 1),
        "lms",
        Clock.systemUTC(),
        null,
        new RecentChanges(),
        Duration.ofMinutes(5),
        maxPages,
        maxDuration);
  }

  private static KafkaProducer<String, Object> producer(
      KafkaFixture kafka, RegistryFixture registry) {
    Map<String, Object> config = kafka.producerConfig();
    config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "page-transaction-" + UUID.randomUUID());
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    RegistryAvroSerializer<IndexedRecord> avro = new RegistryAvroSerializer<>();
    avro.configure(Map.of(RegistrySerdeConfig.SCHEMA_REGISTRY_URL, registry.url()), false);
    return new KafkaProducer<>(config, new StringSerializer(), new PollerValueSerializer(avro));
  }

  private static PageRequest request(int page) {
    return PageRequest.since(T0.plusSeconds(page * 10L));
  }

  /** The API: page n holds records pNr0..pNr2; page {@code failing} fails after its first. */
  private static PageWriter.PageFetcher pages(List<Integer> fetched, int failing) {
    return (PageRequest request, ActivityApiClient.ActivitySink sink) -> {
      int page = (int) (request.since().orElseThrow().getEpochSecond() - T0.getEpochSecond()) / 10;
      fetched.add(page);
      for (int r = 0; r < 3; r++) {
        if (page == failing && r == 1) {
          throw new ApiFailure(
              ApiFailure.Kind.TRANSIENT, "API failed mid-page", Optional.empty(), null);
        }
        sink.accept(PageCommitTimeoutIT.activity("p" + page + "r" + r, page * 10 + r));
      }
      return new PageResult(
          3, page + 1 < PAGES ? Optional.of(request(page + 1)) : Optional.empty());
    };
  }
}
