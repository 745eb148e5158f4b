package io.lmsingest.kit.secrets;

import io.lmsingest.kit.config.CommonKeys;
import io.lmsingest.kit.config.ServiceConfig;
import io.lmsingest.secrets.AwsSecretsManagerSource;
import io.lmsingest.secrets.EnvironmentSecretSource;
import io.lmsingest.secrets.FileSecretSource;
import io.lmsingest.secrets.Secret;
import io.lmsingest.secrets.SecretReference;
import io.lmsingest.secrets.SecretSource;
import io.lmsingest.secrets.SecretsProvider;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * Every secret of a service, resolved one way: the config key holds a reference ({@code
 * aws-secretsmanager:<id>[#json-key]}, {@code env:NAME}, {@code file:PATH}) and this reads it
 * through one cache. The Secrets Manager client is built from {@code aws.region} and {@code
 * aws.secretsmanager.endpoint} on first use, so a service with only env:/file: secrets never needs
 * AWS.
 */
public final class ServiceSecrets {
  private final ServiceConfig config;
  private final SecretsProvider provider;

  private ServiceSecrets(ServiceConfig config, SecretsProvider provider) {
    this.config = config;
    this.provider = provider;
  }

  /** The secrets of {@code config}, which must declare {@link CommonKeys#secrets}. */
  public static ServiceSecrets of(ServiceConfig config, Clock clock) {
    Map<SecretReference.Scheme, SecretSource> sources = new EnumMap<>(SecretReference.Scheme.class);
    sources.put(SecretReference.Scheme.ENV, new EnvironmentSecretSource());
    sources.put(SecretReference.Scheme.FILE, new FileSecretSource());
    sources.put(
        SecretReference.Scheme.AWS_SECRETS_MANAGER,
        new LazySecretsManager(
            config.getString(CommonKeys.AWS_REGION),
            config.getString(CommonKeys.SECRETS_MANAGER_ENDPOINT)));
    Duration ttl = Duration.ofMillis(config.getLong(CommonKeys.SECRETS_TTL_MS));
    return new ServiceSecrets(config, new SecretsProvider(sources, ttl, clock));
  }

  /** The reference under {@code key}; the error names the key. */
  public SecretReference reference(String key) {
    return SecretReference.parse(key, config.getString(key));
  }

  /** The secret under {@code key} (cached for the TTL). */
  public Secret get(String key) {
    return provider.get(reference(key));
  }

  /** The secret under {@code key}, or empty when the key is not set. */
  public Optional<Secret> optional(String key) {
    return config.getString(key).isEmpty() ? Optional.empty() : Optional.of(get(key));
  }

  /**
   * Reads the secret under {@code key} again (after a server rejected it: it may have been
   * rotated).
   */
  public Secret refresh(String key) {
    return provider.refresh(reference(key));
  }

  /**
   * Builds the Secrets Manager client on first use: only aws-secretsmanager: references need one.
   */
  private static final class LazySecretsManager implements SecretSource {
    private final String region;
    private final String endpoint;
    private AwsSecretsManagerSource source;

    LazySecretsManager(String region, String endpoint) {
      this.region = region;
      this.endpoint = endpoint;
    }

    @Override
    public synchronized String fetch(SecretReference reference) {
      if (source == null) {
        var builder =
            SecretsManagerClient.builder()
                .region(Region.of(region))
                .httpClient(UrlConnectionHttpClient.create());
        if (!endpoint.isEmpty()) {
          builder.endpointOverride(URI.create(endpoint));
        }
        source = new AwsSecretsManagerSource(builder.build());
      }
      return source.fetch(reference);
    }
  }
}
