package io.lmsingest.kit.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.config.ConfigDef;

/**
 * Where every service's settings come from: a properties file, then one environment variable per
 * defined key ({@code lms.api.page.size} → {@code LMS_API_PAGE_SIZE}), which wins.
 */
public final class ServiceConfigFile {
  private ServiceConfigFile() {}

  public static Map<String, String> read(Path file) throws IOException {
    if (!Files.isReadable(file)) {
      throw new IOException("config file " + file + " is not readable");
    }
    Properties properties = new Properties();
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      properties.load(in);
    }
    Map<String, String> values = new HashMap<>();
    properties.stringPropertyNames().forEach(k -> values.put(k, properties.getProperty(k).trim()));
    return values;
  }

  /**
   * {@code fileValues} with every key of {@code definition} overridden by its {@code LMS_<KEY>}
   * variable.
   */
  public static Map<String, Object> withEnvironment(
      ConfigDef definition, Map<String, String> fileValues, Map<String, String> environment) {
    Map<String, Object> merged = new HashMap<>(fileValues);
    for (String key : definition.names()) {
      String env = environment.get(envName(key));
      if (env != null) {
        merged.put(key, env);
      }
    }
    return merged;
  }

  public static String envName(String key) {
    String upper = key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    return upper.startsWith("LMS_") ? upper : "LMS_" + upper;
  }
}
