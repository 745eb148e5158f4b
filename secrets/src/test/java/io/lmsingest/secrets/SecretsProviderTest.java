package io.lmsingest.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

class SecretsProviderTest {
  static final String CANARY = "canary-7f3a9c-secret-value";

  /** A clock the test moves by hand. */
  static final class ManualClock extends Clock {
    Instant now = Instant.parse("2026-11-24T00:00:00Z");

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  static SecretsManagerClient client(SecretsManagerEndpoint endpoint) {
    return SecretsManagerClient.builder()
        .endpointOverride(endpoint.uri())
        .region(Region.US_EAST_1)
        .credentialsProvider(
            StaticCredentialsProvider.create(
                AwsBasicCredentials.create("AKIDEXAMPLE", "not-a-real-secret")))
        .httpClient(UrlConnectionHttpClient.create())
        .build();
  }

  @Test
  void referencesParseAndBadOnesNameTheKeyButNeverEchoTheValue() {
    assertThat(SecretReference.parse("k", "aws-secretsmanager:prod/lms#api_key"))
        .isEqualTo(
            new SecretReference(
                SecretReference.Scheme.AWS_SECRETS_MANAGER, "prod/lms", Optional.of("api_key")));
    assertThat(SecretReference.parse("k", "env:LMS_API_KEY").scheme())
        .isEqualTo(SecretReference.Scheme.ENV);
    assertThat(SecretReference.parse("k", "file:/run/secrets/key").location())
        .isEqualTo("/run/secrets/key");
    assertThatThrownBy(() -> SecretReference.parse("lms.api.key", CANARY))
        .hasMessageContaining("lms.api.key")
        .hasMessageNotContaining(CANARY);
    assertThatThrownBy(() -> SecretReference.parse("lms.api.key", "env:"))
        .hasMessageContaining("lms.api.key");
  }

  @Test
  void secretsNeverShowTheirValueWhenPrinted() {
    Secret secret = Secret.of(CANARY);
    assertThat(secret.toString()).doesNotContain(CANARY);
    assertThat(String.valueOf(Map.of("key", secret))).doesNotContain(CANARY);
    assertThat(secret.reveal()).isEqualTo(CANARY);
  }

  @Test
  void awsSecretsManagerOverHttpWithJsonKeyCacheTtlAndRotation() throws Exception {
    ManualClock clock = new ManualClock();
    try (SecretsManagerEndpoint endpoint = new SecretsManagerEndpoint();
        SecretsManagerClient client = client(endpoint)) {
      endpoint.put("prod/lms", "{\"api_key\":\"" + CANARY + "\",\"other\":\"x\"}");
      SecretsProvider provider =
          new SecretsProvider(
              Map.of(
                  SecretReference.Scheme.AWS_SECRETS_MANAGER, new AwsSecretsManagerSource(client)),
              Duration.ofMinutes(5),
              clock);
      SecretReference ref =
          SecretReference.parse("lms.api.key", "aws-secretsmanager:prod/lms#api_key");

      assertThat(provider.get(ref).reveal()).isEqualTo(CANARY);
      assertThat(endpoint.lastAuthorization)
          .as("the SDK signs its requests")
          .startsWith("AWS4-HMAC-SHA256");
      assertThat(provider.get(ref).reveal()).isEqualTo(CANARY);
      assertThat(endpoint.calls.get()).as("second read comes from the cache").isEqualTo(1);

      endpoint.put("prod/lms", "{\"api_key\":\"rotated-value-123\"}");
      assertThat(provider.get(ref).reveal()).as("still cached within the TTL").isEqualTo(CANARY);
      assertThat(provider.refresh(ref).reveal())
          .as("refresh after a 401 sees the rotation")
          .isEqualTo("rotated-value-123");
      endpoint.put("prod/lms", "{\"api_key\":\"rotated-again\"}");
      clock.now = clock.now.plus(Duration.ofMinutes(6));
      assertThat(provider.get(ref).reveal()).as("the TTL expired").isEqualTo("rotated-again");
      assertThat(endpoint.calls.get()).isEqualTo(3);
    }
  }

  @Test
  void awsErrorsAreClearAndCarryNoValue() throws Exception {
    try (SecretsManagerEndpoint endpoint = new SecretsManagerEndpoint();
        SecretsManagerClient client = client(endpoint)) {
      endpoint.put("not-json", CANARY);
      SecretsProvider provider =
          new SecretsProvider(
              Map.of(
                  SecretReference.Scheme.AWS_SECRETS_MANAGER, new AwsSecretsManagerSource(client)),
              Duration.ofMinutes(5),
              Clock.systemUTC());
      assertThatThrownBy(
              () -> provider.get(SecretReference.parse("k", "aws-secretsmanager:missing")))
          .isInstanceOf(SecretUnavailableException.class)
          .hasMessageContaining("no secret missing");
      assertThatThrownBy(
              () -> provider.get(SecretReference.parse("k", "aws-secretsmanager:not-json#api_key")))
          .isInstanceOf(SecretUnavailableException.class)
          .hasMessageContaining("not a JSON object")
          .hasMessageNotContaining(CANARY);
    }
  }

  @Test
  void environmentAndFileSources(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("key");
    Files.writeString(file, CANARY + "\n");
    SecretsProvider provider =
        new SecretsProvider(
            Map.of(
                SecretReference.Scheme.ENV,
                    new EnvironmentSecretSource(Map.of("LMS_API_KEY", CANARY)),
                SecretReference.Scheme.FILE, new FileSecretSource()),
            Duration.ofMinutes(5),
            Clock.systemUTC());
    assertThat(provider.get(SecretReference.parse("k", "env:LMS_API_KEY")).reveal())
        .isEqualTo(CANARY);
    assertThat(provider.get(SecretReference.parse("k", "file:" + file)).reveal()).isEqualTo(CANARY);
    assertThatThrownBy(() -> provider.get(SecretReference.parse("k", "env:NOT_SET_ANYWHERE")))
        .hasMessageContaining("NOT_SET_ANYWHERE is not set");
    assertThatThrownBy(
            () -> provider.get(SecretReference.parse("k", "file:" + dir.resolve("missing"))))
        .hasMessageContaining("cannot read secret file");
  }
}
