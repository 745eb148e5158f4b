package io.lmsingest.serde;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.ConfigException;

/**
 * Settings of the registry serde. The keys are Confluent's own, so a user who has Confluent's
 * serializer can swap it in (or out) by configuration alone.
 */
public record RegistrySerdeConfig(
    List<URI> registryUrls,
    boolean autoRegisterSchemas,
    Optional<String> basicAuthUserInfo,
    boolean specificAvroReader,
    Optional<String> specificValueType,
    Optional<String> readerSchema,
    boolean genericUtf8Strings) {

  /** Comma-separated base URLs of a Confluent-compatible registry API. Required. */
  public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";

  /** Register the writer schema on first use (default true). When false, it must already exist. */
  public static final String AUTO_REGISTER_SCHEMAS = "auto.register.schemas";

  /** Where basic-auth credentials come from; only USER_INFO is supported. */
  public static final String BASIC_AUTH_CREDENTIALS_SOURCE = "basic.auth.credentials.source";

  /** {@code user:password} for the registry. Never logged. */
  public static final String BASIC_AUTH_USER_INFO = "basic.auth.user.info";

  /** Deserialize into generated SpecificRecord classes (default false: GenericRecord). */
  public static final String SPECIFIC_AVRO_READER = "specific.avro.reader";

  /** Fully qualified generated class to read values into; implies the specific reader. */
  public static final String SPECIFIC_AVRO_VALUE_TYPE = "specific.avro.value.type";

  /** Avro schema JSON used as reader schema for generic records (schema evolution). */
  public static final String AVRO_READER_SCHEMA = "avro.reader.schema";

  /**
   * Generic records carry strings as Avro's {@code Utf8}, whatever the writer schema's {@code
   * avro.java.string} hint says (default false). For a reader that only passes strings on as bytes
   * (the sink writes them to Parquet), decoding each to a Java String and encoding it again is
   * wasted work.
   */
  public static final String GENERIC_UTF8_STRINGS = "avro.generic.utf8.strings";

  public RegistrySerdeConfig {
    if (registryUrls.isEmpty()) {
      throw new ConfigException(SCHEMA_REGISTRY_URL, "", "at least one registry URL is required");
    }
    registryUrls = List.copyOf(registryUrls);
  }

  /** Parses Kafka-style configs, naming the offending key on any error. */
  public static RegistrySerdeConfig from(Map<String, ?> configs) {
    Object rawUrls = configs.get(SCHEMA_REGISTRY_URL);
    if (rawUrls == null || rawUrls.toString().isBlank()) {
      throw new ConfigException(
          SCHEMA_REGISTRY_URL + " is required (e.g. http://localhost:8081/apis/ccompat/v7)");
    }
    List<URI> urls = new ArrayList<>();
    for (String part : rawUrls.toString().split(",")) {
      String trimmed = part.trim();
      if (trimmed.isEmpty()) {
        continue;
      }
      try {
        URI uri =
            URI.create(
                trimmed.endsWith("/") ? trimmed.substring(0, trimmed.length() - 1) : trimmed);
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
          throw new IllegalArgumentException("scheme must be http or https");
        }
        urls.add(uri);
      } catch (IllegalArgumentException e) {
        throw new ConfigException(SCHEMA_REGISTRY_URL, trimmed, e.getMessage());
      }
    }
    String source = string(configs, BASIC_AUTH_CREDENTIALS_SOURCE).orElse("USER_INFO");
    Optional<String> userInfo = string(configs, BASIC_AUTH_USER_INFO);
    if (userInfo.isPresent() && !"USER_INFO".equals(source)) {
      throw new ConfigException(
          BASIC_AUTH_CREDENTIALS_SOURCE, source, "only USER_INFO is supported");
    }
    if (userInfo.isPresent() && !userInfo.get().contains(":")) {
      // The value is a secret: name the key, never echo the value.
      throw new ConfigException(BASIC_AUTH_USER_INFO + " must have the form user:password");
    }
    Optional<String> valueType = string(configs, SPECIFIC_AVRO_VALUE_TYPE);
    return new RegistrySerdeConfig(
        urls,
        bool(configs, AUTO_REGISTER_SCHEMAS, true),
        userInfo,
        bool(configs, SPECIFIC_AVRO_READER, false) || valueType.isPresent(),
        valueType,
        string(configs, AVRO_READER_SCHEMA),
        bool(configs, GENERIC_UTF8_STRINGS, false));
  }

  private static Optional<String> string(Map<String, ?> configs, String key) {
    Object value = configs.get(key);
    return value == null || value.toString().isBlank()
        ? Optional.empty()
        : Optional.of(value.toString().trim());
  }

  private static boolean bool(Map<String, ?> configs, String key, boolean fallback) {
    Object value = configs.get(key);
    if (value == null) {
      return fallback;
    }
    if (value instanceof Boolean b) {
      return b;
    }
    String text = value.toString().trim();
    if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
      return Boolean.parseBoolean(text);
    }
    throw new ConfigException(key, value, "must be true or false");
  }

  @Override
  public String toString() {
    return "RegistrySerdeConfig[registryUrls="
        + registryUrls
        + ", autoRegisterSchemas="
        + autoRegisterSchemas
        + ", basicAuth="
        + (basicAuthUserInfo.isPresent() ? "[redacted]" : "none")
        + ", specificAvroReader="
        + specificAvroReader
        + ", specificValueType="
        + specificValueType.orElse("-")
        + ", readerSchema="
        + (readerSchema.isPresent() ? "set" : "-")
        + ", genericUtf8Strings="
        + genericUtf8Strings
        + "]";
  }
}
