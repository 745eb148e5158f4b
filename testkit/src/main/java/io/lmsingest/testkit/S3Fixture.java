package io.lmsingest.testkit;

import io.lmsingest.localstack.LocalS3Server;
import io.lmsingest.localstack.S3Endpoint;
import io.lmsingest.localstack.S3Faults;
import java.util.UUID;
import software.amazon.awssdk.services.s3.S3Client;

/** A real S3 API server (s3proxy, in memory) reached through the AWS SDK v2 client. */
public final class S3Fixture implements AutoCloseable {
  private final LocalS3Server server;
  private final S3Client client;

  private S3Fixture(LocalS3Server server) {
    this.server = server;
    this.client = server.endpoint().newClient();
  }

  static S3Fixture start() {
    try {
      return new S3Fixture(LocalS3Server.startTransient());
    } catch (Exception e) {
      throw new IllegalStateException("S3 server did not start: " + e.getMessage(), e);
    }
  }

  public S3Endpoint endpoint() {
    return server.endpoint();
  }

  /** Per-bucket write faults of the server (real HTTP 500/412 answers and delays). */
  public S3Faults faults() {
    return server.faults();
  }

  public S3Client client() {
    return client;
  }

  /** Creates a bucket no other test uses and returns its name. */
  public String newBucket() {
    String name = "test-" + UUID.randomUUID().toString().substring(0, 13);
    client.createBucket(b -> b.bucket(name));
    return name;
  }

  @Override
  public void close() throws Exception {
    client.close();
    server.close();
  }
}
