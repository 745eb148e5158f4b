package io.lmsingest.kit.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lmsingest.kit.secrets.ServiceSecrets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The registry's credentials come from a secret reference, never from the config file itself. */
class RegistryAccessTest {
  @Test
  void credentialsAreReadFromTheirSecretAndARawValueFailsAtStartUnechoed(@TempDir Path dir)
      throws Exception {
    Map<String, String> values = ServiceConfigTest.minimal();
    ServiceConfigTest.ExampleConfig none = new ServiceConfigTest.ExampleConfig(values);
    assertThat(RegistryAccess.serdeConfig(none, ServiceSecrets.of(none, Clock.systemUTC())))
        .containsOnlyKeys("schema.registry.url");

    Path secret = Files.writeString(dir.resolve("registry-auth"), "svc:canary-Registry-77\n");
    values.put(CommonKeys.REGISTRY_USER_INFO, "file:" + secret);
    ServiceConfigTest.ExampleConfig withAuth = new ServiceConfigTest.ExampleConfig(values);
    assertThat(RegistryAccess.serdeConfig(withAuth, ServiceSecrets.of(withAuth, Clock.systemUTC())))
        .containsEntry("basic.auth.user.info", "svc:canary-Registry-77")
        .containsEntry("schema.registry.url", "http://127.0.0.1:8081/apis/ccompat/v7");
    assertThat(withAuth.toString()).doesNotContain("canary-Registry-77");

    values.put(CommonKeys.REGISTRY_USER_INFO, "svc:canary-Pasted-88");
    assertThatThrownBy(() -> new ServiceConfigTest.ExampleConfig(values))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(CommonKeys.REGISTRY_USER_INFO)
        .message()
        .doesNotContain("canary-Pasted-88");
  }
}
