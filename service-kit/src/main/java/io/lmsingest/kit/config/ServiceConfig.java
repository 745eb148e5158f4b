package io.lmsingest.kit.config;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/**
 * The base of every service's config: its keys are declared once with doc, default and validator
 * (the shared ones by {@link CommonKeys}), checked at start-up, and any key that is neither
 * declared nor under {@code kafka.} fails with its name. {@code kafka.*} passes through to the
 * Kafka clients.
 */
public abstract class ServiceConfig extends AbstractConfig {
  public static final String KAFKA_PREFIX = "kafka.";

  private final String service;

  protected ServiceConfig(String service, ConfigDef definition, Map<String, ?> values) {
    super(definition, rejectUnknownKeys(service, definition, values), false);
    this.service = service;
  }

  /** The service's name, as in logs and metric names: poller, validator, sink, loader. */
  public String service() {
    return service;
  }

  private static Map<String, ?> rejectUnknownKeys(
      String service, ConfigDef definition, Map<String, ?> values) {
    Set<String> known = definition.names();
    for (String key : new TreeMap<>(values).keySet()) {
      if (!known.contains(key) && !key.startsWith(KAFKA_PREFIX)) {
        // The value is not echoed: it may be a secret typed under a misspelt key.
        throw new ConfigException(
            "unknown config key '"
                + key
                + "' for the "
                + service
                + " ("
                + CommonKeys.closest(key, known).map(k -> "did you mean '" + k + "'? ").orElse("")
                + "--describe-config lists every key; Kafka client settings go under kafka.*)");
      }
    }
    return values;
  }

  /** Settings under {@code kafka.}, prefix removed. */
  public Map<String, Object> kafkaOverrides() {
    return originalsWithPrefix(KAFKA_PREFIX);
  }

  /**
   * What every Kafka client of the service starts from: the brokers plus the {@code kafka.*}
   * settings.
   */
  public Map<String, Object> kafkaClientConfig() {
    Map<String, Object> config = new HashMap<>(kafkaOverrides());
    config.put("bootstrap.servers", getString(CommonKeys.BOOTSTRAP_SERVERS));
    return config;
  }

  /**
   * Every effective setting for the start-up log. Secret keys hold references, not values (checked
   * when the config was read); credentials in URLs, Kafka passwords and JAAS configs given under
   * {@code kafka.} are redacted.
   */
  public Map<String, Object> printable() {
    Map<String, Object> all = new TreeMap<>();
    // Secret keys passed CommonKeys.SECRET_REFERENCE when the config was read: they hold
    // references. Credentials inside URLs (user-info, password= parameters) are taken out.
    values().forEach((k, v) -> all.put(k, v instanceof String s ? UrlCredentials.redact(s) : v));
    kafkaOverrides()
        .forEach(
            (k, v) ->
                all.put(
                    KAFKA_PREFIX + k,
                    k.contains("password")
                            || k.contains("sasl.jaas")
                            || k.contains("secret")
                            || k.contains("key")
                        ? "[redacted]"
                        : v instanceof String s ? UrlCredentials.redact(s) : v));
    return all;
  }
}
