package io.lmsingest.sink.upload;

import java.util.Optional;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

/**
 * Server-side encryption requested on every put: SSE-S3 (AES256) or SSE-KMS with an optional key
 * id.
 */
public record Encryption(Mode mode, Optional<String> kmsKeyId) {
  public enum Mode {
    SSE_S3,
    SSE_KMS
  }

  public static Encryption sseS3() {
    return new Encryption(Mode.SSE_S3, Optional.empty());
  }

  public static Encryption sseKms(String keyId) {
    return new Encryption(Mode.SSE_KMS, Optional.ofNullable(keyId));
  }

  /** The x-amz-server-side-encryption value. */
  public ServerSideEncryption algorithm() {
    return mode == Mode.SSE_KMS ? ServerSideEncryption.AWS_KMS : ServerSideEncryption.AES256;
  }

  /** The KMS key id, or null (the SDK then sends none). */
  public String kmsKeyIdOrNull() {
    return kmsKeyId.orElse(null);
  }
}
