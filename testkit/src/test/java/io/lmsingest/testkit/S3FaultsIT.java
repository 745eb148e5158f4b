package io.lmsingest.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lmsingest.localstack.S3Faults;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

@IntegrationTest
class S3FaultsIT {
  @Test
  void faultsAreRealHttpAnswersAndStayInTheirBucket(S3Fixture s3) {
    // A client of its own: its retry budget is not spent by other tests.
    try (S3Client client = s3.endpoint().newClient()) {
      refuseAndStore(s3, client);
    }
  }

  private static void refuseAndStore(S3Fixture s3, S3Client client) {
    String faulty = s3.newBucket();
    String healthy = s3.newBucket();

    s3.faults().inject(faulty, new S3Faults.Plan(1, 0, 0, 0, 0));
    assertThatThrownBy(
            () -> client.putObject(b -> b.bucket(faulty).key("a"), RequestBody.fromString("x")))
        .satisfies(e -> assertRefused(e, 500));
    assertThatThrownBy(() -> client.headObject(b -> b.bucket(faulty).key("a")))
        .isInstanceOf(NoSuchKeyException.class);
    client.putObject(b -> b.bucket(healthy).key("a"), RequestBody.fromString("x"));

    // Stored, but the client is told it failed.
    s3.faults().inject(faulty, new S3Faults.Plan(0, 1, 0, 0, 0));
    assertThatThrownBy(
            () -> client.putObject(b -> b.bucket(faulty).key("b"), RequestBody.fromString("x")))
        .satisfies(e -> assertRefused(e, 500));
    assertThat(client.getObjectAsBytes(b -> b.bucket(faulty).key("b")).asUtf8String())
        .isEqualTo("x");

    // A 412 on a conditional create although nothing is there.
    s3.faults().inject(faulty, new S3Faults.Plan(0, 0, 1, 0, 0));
    assertThatThrownBy(
            () ->
                client.putObject(
                    b -> b.bucket(faulty).key("c").ifNoneMatch("*"), RequestBody.fromString("x")))
        .satisfies(e -> assertRefused(e, 412));
    assertThatThrownBy(() -> client.headObject(b -> b.bucket(faulty).key("c")))
        .isInstanceOf(NoSuchKeyException.class);

    s3.faults().clear(faulty);
    try {
      client.putObject(
          b -> b.bucket(faulty).key("c").ifNoneMatch("*"), RequestBody.fromString("x"));
    } catch (S3Exception e) {
      // Seen once in CI: the first attempt stored the object but its answer was lost on a
      // connection the injected 412 left unread, and the SDK's resend met the real 412.
      assertThat(e.statusCode()).isEqualTo(412);
      assertThat(e.numAttempts()).isGreaterThan(1);
    }
    assertThat(client.getObjectAsBytes(b -> b.bucket(faulty).key("c")).asUtf8String())
        .isEqualTo("x");
    assertThat(s3.faults().injected(S3Faults.Kind.FAIL_BEFORE_WRITE)).isPositive();
    assertThat(s3.faults().injected(S3Faults.Kind.FAIL_AFTER_WRITE)).isPositive();
    // At least once: when the server answers before reading the body, the SDK may resend and meet
    // the 412 again.
    assertThat(s3.faults().injected(S3Faults.Kind.FALSE_PRECONDITION_FAILED)).isPositive();
  }

  /**
   * The injected answer, as the client sees it: the status, or a broken connection. s3proxy
   * sometimes closes a connection after an error answer without saying so, and the SDK's resend on
   * it fails ("Error writing request body", "Unexpected end of file"); seen in CI and in about 1 in
   * 20 requests after an error with retries off. The object checks around each call show what the
   * server did.
   */
  private static void assertRefused(Throwable e, int status) {
    if (e instanceof S3Exception s3) {
      assertThat(s3.statusCode()).isEqualTo(status);
    } else {
      assertThat(e)
          .isInstanceOf(SdkClientException.class)
          .hasRootCauseInstanceOf(IOException.class);
    }
  }
}
