package io.lmsingest.sink.upload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lmsingest.kit.aws.WithoutExpectContinue;
import io.lmsingest.sink.bronze.WrittenFile;
import io.lmsingest.testkit.IntegrationTest;
import io.lmsingest.testkit.S3Fixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;

/** Against the real S3 API server (s3proxy), through the real AWS SDK client. */
@IntegrationTest
class BronzeUploaderIT {
  /** Records the encryption and condition headers every request really carried. */
  static final class SeenHeaders implements ExecutionInterceptor {
    final List<String> seen = new CopyOnWriteArrayList<>();

    @Override
    public void beforeTransmission(
        Context.BeforeTransmission context, ExecutionAttributes attributes) {
      var request = context.httpRequest();
      seen.add(
          request.method()
              + " sse="
              + request.firstMatchingHeader("x-amz-server-side-encryption").orElse("-")
              + " if-none-match="
              + request.firstMatchingHeader("If-None-Match").orElse("-"));
    }
  }

  static S3Client client(S3Fixture s3, SeenHeaders headers) {
    return S3Client.builder()
        .endpointOverride(s3.endpoint().uri())
        .region(Region.of(s3.endpoint().region()))
        .credentialsProvider(
            StaticCredentialsProvider.create(
                AwsBasicCredentials.create(
                    s3.endpoint().accessKeyId(), s3.endpoint().secretAccessKey())))
        .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build())
        .httpClient(UrlConnectionHttpClient.create())
        .overrideConfiguration(
            o ->
                o.addExecutionInterceptor(new WithoutExpectContinue())
                    .addExecutionInterceptor(headers))
        .build();
  }

  static WrittenFile file(Path dir, String key, int bytes, long start, long end) throws Exception {
    byte[] content = new byte[bytes];
    new Random(bytes).nextBytes(content);
    Path local = Files.write(Files.createTempFile(dir, "bronze", ".parquet"), content);
    String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    return new WrittenFile(
        local,
        key,
        0,
        start,
        end,
        end - start + 1,
        bytes,
        sha,
        "abc",
        Optional.empty(),
        Optional.empty());
  }

  @Test
  void conditionalCreateThenAdoptionOfTheExistingObject(S3Fixture s3, @TempDir Path dir)
      throws Exception {
    SeenHeaders headers = new SeenHeaders();
    String bucket = s3.newBucket();
    try (S3Client client = client(s3, headers)) {
      BronzeUploader uploader =
          new BronzeUploader(client, bucket, Encryption.sseS3(), 64L << 20, 8 << 20);
      WrittenFile first = file(dir, "bronze/t+0+00000000000000000000.parquet", 100_000, 0, 999);

      Uploaded written = uploader.upload(first);
      // Normally a fresh create. The SDK may resend a put whose first attempt was stored but lost
      // its
      // answer; the resend meets 412 and adopts that same object, which is just as right.
      assertThat(written.stored().sha256()).isEqualTo(first.sha256());
      assertThat(written.stored().endOffset()).isEqualTo(999);
      assertThat(headers.seen)
          .anyMatch(
              h ->
                  h.startsWith("PUT") && h.contains("sse=AES256") && h.contains("if-none-match=*"));

      // After a crash the same start offset is written again (same key): the object is adopted, not
      // duplicated.
      WrittenFile again = file(dir, "bronze/t+0+00000000000000000000.parquet", 50_000, 0, 420);
      Uploaded adopted = uploader.upload(again);
      assertThat(adopted.adopted()).isTrue();
      assertThat(adopted.stored().endOffset())
          .as("end offset from the existing object's metadata")
          .isEqualTo(999);
      assertThat(adopted.stored().rows()).isEqualTo(1_000);
      assertThat(adopted.stored().sha256()).isEqualTo(first.sha256());
      assertThat(adopted.stored().sizeBytes())
          .as("the stored object's size, not the rebuilt file's")
          .isEqualTo(first.sizeBytes())
          .isNotEqualTo(again.sizeBytes());
      assertThat(adopted.stored().schemaFingerprint()).isEqualTo(first.schemaFingerprint());
      byte[] stored = client.getObjectAsBytes(b -> b.bucket(bucket).key(first.key())).asByteArray();
      assertThat(stored).isEqualTo(Files.readAllBytes(first.localFile()));
      assertThat(client.listObjectsV2(b -> b.bucket(bucket)).contents()).hasSize(1);
    }
  }

  @Test
  void anObjectFromAnotherIncarnationOfTheTopicIsNeverAdopted(S3Fixture s3, @TempDir Path dir)
      throws Exception {
    String bucket = s3.newBucket();
    String key = "bronze/t+0+00000000000000000000.parquet";
    try (S3Client client = client(s3, new SeenHeaders())) {
      new BronzeUploader(client, bucket, Encryption.sseS3(), 64L << 20, 8 << 20, () -> "topic-A")
          .upload(file(dir, key, 10_000, 0, 999));
      assertThat(client.headObject(b -> b.bucket(bucket).key(key)).metadata())
          .containsEntry("lms-topic-id", "topic-A");

      // The same incarnation after a crash: adopted as always.
      assertThat(
              new BronzeUploader(
                      client, bucket, Encryption.sseS3(), 64L << 20, 8 << 20, () -> "topic-A")
                  .upload(file(dir, key, 5_000, 0, 420))
                  .adopted())
          .isTrue();

      // The topic was recreated: offset 0 is another record now, and the old object is refused.
      BronzeUploader recreated =
          new BronzeUploader(
              client, bucket, Encryption.sseS3(), 64L << 20, 8 << 20, () -> "topic-B");
      assertThatThrownBy(() -> recreated.upload(file(dir, key, 5_000, 0, 420)))
          .isInstanceOf(ForeignIncarnationException.class)
          .hasMessageContaining(key)
          .hasMessageContaining("topic id topic-A")
          .hasMessageContaining("now has id topic-B")
          .hasMessageContaining("bronze.prefix");
      assertThat(client.headObject(b -> b.bucket(bucket).key(key)).contentLength())
          .as("the old object is left as it was")
          .isEqualTo(10_000);

      // An object written before topic ids were recorded is adopted (nothing to compare).
      String older = "bronze/t+1+00000000000000000000.parquet";
      new BronzeUploader(client, bucket, Encryption.sseS3(), 64L << 20, 8 << 20)
          .upload(file(dir, older, 10_000, 0, 99));
      assertThat(recreated.upload(file(dir, older, 5_000, 0, 50)).adopted()).isTrue();
    }
  }

  @Test
  void largeFilesGoUpInPartsWithTheSameGuarantees(S3Fixture s3, @TempDir Path dir)
      throws Exception {
    SeenHeaders headers = new SeenHeaders();
    String bucket = s3.newBucket();
    try (S3Client client = client(s3, headers)) {
      BronzeUploader uploader =
          new BronzeUploader(client, bucket, Encryption.sseS3(), 5 << 20, 5 << 20);
      WrittenFile big = file(dir, "bronze/t+1+00000000000000000000.parquet", 12 << 20, 0, 49_999);
      assertThat(uploader.upload(big).adopted()).isFalse();
      byte[] stored = client.getObjectAsBytes(b -> b.bucket(bucket).key(big.key())).asByteArray();
      assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(stored)))
          .isEqualTo(big.sha256());
      assertThat(headers.seen)
          .anyMatch(h -> h.startsWith("POST") && h.contains("sse=AES256")); // CreateMultipartUpload
      assertThat(uploader.upload(big).adopted())
          .as("a second complete of the same key is refused and adopted")
          .isTrue();
      assertThat(client.listMultipartUploads(b -> b.bucket(bucket)).uploads())
          .as("no dangling multipart uploads")
          .isEmpty();
    }
  }
}
