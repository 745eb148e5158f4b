package io.lmsingest.config;

import io.lmsingest.secrets.EnvironmentSecretSource;
import io.lmsingest.secrets.FileSecretSource;
import io.lmsingest.secrets.SecretReference;
import io.lmsingest.secrets.SecretsProvider;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;

/**
 * The S3 client every service builds the same way: a region, an optional endpoint override (MinIO,
 * s3proxy, a VPC endpoint), and either the default AWS credential chain or access keys given as
 * secret references (env:/file:), resolved on use and never held as plain config.
 */
public final class S3Clients {
  private S3Clients() {}

  /** Settings under the same keys in every service's config. */
  public record Settings(String region, String endpoint, boolean pathStyle, String accessKeyIdRef, String secretAccessKeyRef) {}

  public static S3Client create(Settings settings, String accessKeyIdKey, String secretKeyKey) {
    AwsCredentialsProvider credentials;
    if (settings.accessKeyIdRef().isEmpty()) {
      credentials = DefaultCredentialsProvider.builder().build();
    } else {
      SecretsProvider secrets = new SecretsProvider(
          Map.of(SecretReference.Scheme.ENV, new EnvironmentSecretSource(), SecretReference.Scheme.FILE, new FileSecretSource()),
          Duration.ofMinutes(5), Clock.systemUTC());
      SecretReference id = SecretReference.parse(accessKeyIdKey, settings.accessKeyIdRef());
      SecretReference key = SecretReference.parse(secretKeyKey, settings.secretAccessKeyRef());
      credentials = () -> AwsBasicCredentials.create(secrets.get(id).reveal(), secrets.get(key).reveal());
    }
    var builder = S3Client.builder()
        .region(Region.of(settings.region()))
        .credentialsProvider(credentials)
        .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(settings.pathStyle()).build())
        .httpClient(UrlConnectionHttpClient.create());
    if (!settings.endpoint().isEmpty()) {
      builder.endpointOverride(URI.create(settings.endpoint()));
    }
    return builder.build();
  }
}
