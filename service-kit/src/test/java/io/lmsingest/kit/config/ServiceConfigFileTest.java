package io.lmsingest.kit.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServiceConfigFileTest {
  @Test
  void fileThenEnvironmentForDefinedKeysOnly(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("s.properties"), "a.b=1\nc-d = two \nundefined=x\n");
    ConfigDef definition =
        new ConfigDef()
            .define("a.b", ConfigDef.Type.INT, ConfigDef.Importance.LOW, "")
            .define("c-d", ConfigDef.Type.STRING, ConfigDef.Importance.LOW, "")
            .define("lms.x", ConfigDef.Type.STRING, "", ConfigDef.Importance.LOW, "");
    Map<String, Object> merged =
        ServiceConfigFile.withEnvironment(
            definition,
            ServiceConfigFile.read(file),
            Map.of("LMS_A_B", "7", "LMS_X", "from-env", "LMS_UNDEFINED", "ignored"));
    assertThat(merged)
        .containsEntry("a.b", "7")
        .containsEntry("c-d", "two")
        .containsEntry("lms.x", "from-env")
        .containsEntry("undefined", "x");
    assertThat(ServiceConfigFile.envName("lms.api.page.size")).isEqualTo("LMS_API_PAGE_SIZE");
    assertThatThrownBy(() -> ServiceConfigFile.read(dir.resolve("missing")))
        .hasMessageContaining("not readable");
  }
}
