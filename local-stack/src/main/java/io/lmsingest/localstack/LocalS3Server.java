package io.lmsingest.localstack;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;

/**
 * An S3 API server (s3proxy) in this JVM. With a directory, objects are plain files under {@code
 * <dir>/<bucket>/<key>}, readable by any Parquet tool; without one they live in memory.
 */
public final class LocalS3Server implements AutoCloseable {
  public static final String REGION = "us-east-1";
  private final S3Proxy proxy;
  private final S3Endpoint endpoint;
  private final S3Faults faults;

  private LocalS3Server(S3Proxy proxy, S3Endpoint endpoint, S3Faults faults) {
    this.proxy = proxy;
    this.endpoint = endpoint;
    this.faults = faults;
  }

  /**
   * Starts a server on 127.0.0.1:{@code port} (0 = any free port) that accepts only the given
   * credentials (SigV2 or SigV4).
   */
  public static LocalS3Server start(
      Optional<Path> storeDir, int port, String accessKeyId, String secretAccessKey)
      throws IOException {
    BlobStore store;
    if (storeDir.isPresent()) {
      Files.createDirectories(storeDir.get());
      store = new FilesystemNio2BlobStore(storeDir.get().toAbsolutePath().toString());
    } else {
      store = new TransientNio2BlobStore();
    }
    S3Faults faults = new S3Faults();
    store = new FaultInjectingBlobStore(store, faults);
    S3Proxy proxy =
        S3Proxy.builder()
            .blobStore(store)
            .endpoint(URI.create("http://127.0.0.1:" + port))
            .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKeyId, secretAccessKey)
            .build();
    try {
      proxy.start();
      while (!"STARTED".equals(proxy.getState())) {
        Thread.sleep(20);
      }
    } catch (Exception e) {
      throw new IOException("s3proxy did not start on port " + port + ": " + e.getMessage(), e);
    }
    URI uri = URI.create("http://127.0.0.1:" + proxy.getPort());
    return new LocalS3Server(
        proxy, new S3Endpoint(uri, REGION, accessKeyId, secretAccessKey), faults);
  }

  /** A server with random credentials, for tests. */
  public static LocalS3Server startTransient() throws IOException {
    return start(Optional.empty(), 0, "test-" + randomHex(4), randomHex(20));
  }

  public static String randomHex(int bytes) {
    byte[] random = new byte[bytes];
    new SecureRandom().nextBytes(random);
    return HexFormat.of().formatHex(random);
  }

  public S3Endpoint endpoint() {
    return endpoint;
  }

  /** Faults to inject per bucket (none unless a test asks). */
  public S3Faults faults() {
    return faults;
  }

  @Override
  public void close() throws Exception {
    proxy.stop();
  }
}
