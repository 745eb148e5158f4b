package io.lmsingest.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

class LocalS3ServerTest {
  @Test
  void theFileStoreTakesEncryptedConditionalPutsAndKeepsPlainFiles(@TempDir Path dir)
      throws Exception {
    try (LocalS3Server server =
            LocalS3Server.start(Optional.of(dir), 0, "key-id", "secret-key-123");
        S3Client s3 = server.endpoint().newClient()) {
      s3.createBucket(b -> b.bucket("lms"));
      s3.putObject(
          b ->
              b.bucket("lms")
                  .key("bronze/a.parquet")
                  .ifNoneMatch("*")
                  .serverSideEncryption(ServerSideEncryption.AES256),
          RequestBody.fromString("PAR1"));
      assertThat(Files.readString(dir.resolve("lms/bronze/a.parquet"))).isEqualTo("PAR1");
      assertThatThrownBy(
              () ->
                  s3.putObject(
                      b ->
                          b.bucket("lms")
                              .key("bronze/a.parquet")
                              .ifNoneMatch("*")
                              .serverSideEncryption(ServerSideEncryption.AES256),
                      RequestBody.fromString("other")))
          .isInstanceOfSatisfying(
              S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(412));
    }
  }
}
