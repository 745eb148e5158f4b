package io.lmsingest.testkit;

import io.lmsingest.localstack.Ports;
import io.lmsingest.localstack.ServiceProcess;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * A real AWS Secrets Manager API: the {@code moto} server of this machine image's Python ({@code
 * python3 -m moto.server}), in its own process, spoken to through the AWS SDK. Services under test
 * read their {@code aws-secretsmanager:} references from it exactly as from AWS.
 */
public final class SecretsManagerFixture implements AutoCloseable {
  /** The region secrets are created in; services read them with {@code aws.region} set to it. */
  public static final String REGION = "us-east-1";

  private final ServiceProcess process;
  private final URI endpoint;
  private final SecretsManagerClient client;

  private SecretsManagerFixture(ServiceProcess process, URI endpoint) {
    this.process = process;
    this.endpoint = endpoint;
    this.client =
        SecretsManagerClient.builder()
            .endpointOverride(endpoint)
            .region(Region.of(REGION))
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")))
            .httpClient(UrlConnectionHttpClient.create())
            .build();
  }

  static SecretsManagerFixture start() {
    // Services build their Secrets Manager client on the default AWS credential chain; moto accepts
    // any key, and the chain's system-property step finds these (never a real credential).
    if (System.getProperty("aws.accessKeyId") == null) {
      System.setProperty("aws.accessKeyId", "testing");
      System.setProperty("aws.secretAccessKey", "testing");
    }
    try {
      Path home = Files.createTempDirectory("lms-moto-");
      int port = Ports.free();
      ServiceProcess process =
          ServiceProcess.start(
              "moto",
              List.of(
                  "python3", "-m", "moto.server", "-H", "127.0.0.1", "-p", Integer.toString(port)),
              Map.of(),
              home.resolve("moto.log"),
              home.resolve("moto.pid"));
      try {
        process.awaitReady(() -> Ports.listening(port), Duration.ofSeconds(60));
      } catch (IOException e) {
        throw new IllegalStateException(
            "the AWS API emulator did not start (it is Python's moto server: 'python3 -m moto.server';"
                + " this machine image ships moto 5.2.1 — install it with 'pip install \"moto[server]\"' where PyPI is reachable): "
                + e.getMessage(),
            e);
      }
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    if (process.isAlive()) {
                      try {
                        process.stop(Duration.ofSeconds(5));
                      } catch (IOException e) {
                        System.err.println(
                            "could not stop the moto server (pid " + process.pid() + "): " + e);
                      }
                    }
                  },
                  "moto-fixture-stop"));
      return new SecretsManagerFixture(process, URI.create("http://127.0.0.1:" + port));
    } catch (IOException e) {
      throw new IllegalStateException("cannot start the moto server: " + e.getMessage(), e);
    }
  }

  /** The value for a service's {@code aws.secretsmanager.endpoint}. */
  public URI endpoint() {
    return endpoint;
  }

  /** Creates a secret with a unique name and returns its {@code aws-secretsmanager:} reference. */
  public String createSecret(String value) {
    String name = "lms/test/" + UUID.randomUUID();
    client.createSecret(b -> b.name(name).secretString(value));
    return "aws-secretsmanager:" + name;
  }

  /** Stores a new current value of an existing secret (a rotation). */
  public void rotate(String reference, String value) {
    client.putSecretValue(
        b -> b.secretId(reference.substring("aws-secretsmanager:".length())).secretString(value));
  }

  public SecretsManagerClient client() {
    return client;
  }

  @Override
  public void close() throws Exception {
    client.close();
    process.stop(Duration.ofSeconds(5));
  }
}
