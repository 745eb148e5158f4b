package io.lmsingest.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.S3Exception;

@IntegrationTest
class KafkaFixtureIT {

  @Test
  void theSharedBrokerSupportsTransactionsAndReadCommitted(KafkaFixture kafka) {
    TransactionalRoundTrip.check(kafka.bootstrapServers(), kafka.createTopic("fixture", 1));
  }

  @Test
  void theBrokerIsSharedAcrossTests(KafkaFixture first, KafkaFixture second) {
    assertThat(first).isSameAs(second);
    assertThat(first.createTopic("a", 6)).isNotEqualTo(first.createTopic("a", 6));
  }

  @Test
  void theS3FixtureGivesEachTestItsOwnBucket(S3Fixture s3) {
    String bucket = s3.newBucket();
    assertThat(s3.newBucket()).isNotEqualTo(bucket);
    s3.client()
        .putObject(b -> b.bucket(bucket).key("k").ifNoneMatch("*"), RequestBody.fromString("v"));
    // A second conditional create of the same key is refused: the exactly-once file protocol relies
    // on it.
    Assertions.assertThatThrownBy(
            () ->
                s3.client()
                    .putObject(
                        b -> b.bucket(bucket).key("k").ifNoneMatch("*"),
                        RequestBody.fromString("w")))
        .isInstanceOf(S3Exception.class)
        .satisfies(e -> assertThat(((S3Exception) e).statusCode()).isEqualTo(412));
    assertThat(s3.client().getObjectAsBytes(b -> b.bucket(bucket).key("k")).asUtf8String())
        .isEqualTo("v");
  }

  @Test
  void theWarehouseFixtureOpensRealDuckDb(WarehouseFixture warehouse) throws Exception {
    Path db = warehouse.newDatabase();
    try (var connection = warehouse.connect(db);
        var statement = connection.createStatement()) {
      statement.execute("CREATE TABLE t AS SELECT range AS id FROM range(10)");
      try (var rs = statement.executeQuery("SELECT sum(id) FROM t")) {
        rs.next();
        assertThat(rs.getLong(1)).isEqualTo(45);
      }
    }
    assertThat(db).exists();
  }
}
