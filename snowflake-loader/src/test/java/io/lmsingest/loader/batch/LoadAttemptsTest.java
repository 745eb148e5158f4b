package io.lmsingest.loader.batch;

import static org.assertj.core.api.Assertions.assertThat;

import io.lmsingest.loader.warehouse.UnloadableFileException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** Which failures are the batch's own (counted towards setting it aside) and which are not. */
class LoadAttemptsTest {
  @Test
  void theWarehouseOrStorageBeingUnavailableIsNeverTheBatchsFault() {
    assertThat(LoadAttempts.isSurroundings(new SQLException("connection reset", "08006"))).isTrue();
    assertThat(LoadAttempts.isSurroundings(new SQLTransientConnectionException("timeout")))
        .isTrue();
    assertThat(LoadAttempts.isSurroundings(SdkClientException.create("connect refused"))).isTrue();
    assertThat(LoadAttempts.isSurroundings(s3(503))).isTrue();
    assertThat(LoadAttempts.isSurroundings(s3(429))).isTrue();
    assertThat(LoadAttempts.isSurroundings(s3(403))).as("credentials: fix, not skip").isTrue();
    assertThat(LoadAttempts.isSurroundings(new UncheckedIOException(new IOException("disk"))))
        .isTrue();
    assertThat(
            LoadAttempts.isSurroundings(
                new IllegalStateException("wrapped", new SQLException("gone", "08003"))))
        .isTrue();
  }

  @Test
  void aFileThatCannotLoadAsItIsIsTheBatchsOwn() {
    assertThat(LoadAttempts.isSurroundings(s3(404))).as("the object is missing").isFalse();
    assertThat(LoadAttempts.isSurroundings(new UnloadableFileException("checksum differs")))
        .isFalse();
    assertThat(
            LoadAttempts.isSurroundings(
                new SQLException("Invalid Input Error: No magic bytes found")))
        .isFalse();
    assertThat(
            LoadAttempts.isSurroundings(
                new SQLException("Out of Memory Error: failed to pin block")))
        .as("a smaller batch may fit")
        .isFalse();
    assertThat(LoadAttempts.isSurroundings(new IllegalStateException("rows do not match")))
        .isFalse();
  }

  private static S3Exception s3(int status) {
    return (S3Exception) S3Exception.builder().statusCode(status).message("s3 " + status).build();
  }
}
