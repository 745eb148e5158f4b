package io.lmsingest.registry;

import io.apicurio.common.apps.config.DynamicConfigPropertyList;
import java.util.ArrayList;
import javax.enterprise.context.ApplicationScoped;
import javax.enterprise.inject.Produces;

/**
 * Apicurio's build normally generates this bean from its config-index component, which Maven
 * Central does not serve. No property is dynamic in the local registry, so an empty list is the
 * truth.
 */
@ApplicationScoped
public class DynamicConfigPropertiesProducer {

  @Produces
  @ApplicationScoped
  DynamicConfigPropertyList dynamicConfigProperties() {
    return new DynamicConfigPropertyList(new ArrayList<>());
  }
}
