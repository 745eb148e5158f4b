package io.lmsingest.kit.config;

import io.lmsingest.kit.secrets.ServiceSecrets;
import java.util.HashMap;
import java.util.Map;

/**
 * What every service hands its registry serializers and deserializers: the URL and, when set, the
 * basic-auth credentials read from their secret reference. The keys are the serde's own
 * (Confluent's names, as io.lmsingest.serde.RegistrySerdeConfig reads them).
 */
public final class RegistryAccess {
  static final String SERDE_URL = "schema.registry.url";
  static final String SERDE_USER_INFO = "basic.auth.user.info";

  private RegistryAccess() {}

  /** A mutable map: callers add their own serde settings. */
  public static Map<String, Object> serdeConfig(ServiceConfig config, ServiceSecrets secrets) {
    Map<String, Object> serde = new HashMap<>();
    serde.put(SERDE_URL, config.getString(CommonKeys.REGISTRY_URL));
    secrets
        .optional(CommonKeys.REGISTRY_USER_INFO)
        .ifPresent(userInfo -> serde.put(SERDE_USER_INFO, userInfo.reveal()));
    return serde;
  }
}
