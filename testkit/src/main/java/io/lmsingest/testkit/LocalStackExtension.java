package io.lmsingest.testkit;

import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Hands tests the shared fixtures. Each fixture lives in the root store, so it starts on first use
 * and is closed once, when the whole test run of this JVM ends.
 */
public final class LocalStackExtension implements ParameterResolver {
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(LocalStackExtension.class);

  private static final Map<Class<?>, Supplier<AutoCloseable>> FACTORIES =
      Map.of(
          KafkaFixture.class, KafkaFixture::start,
          RegistryFixture.class, RegistryFixture::start,
          S3Fixture.class, S3Fixture::start,
          WarehouseFixture.class, WarehouseFixture::start,
          AwsApiFixture.class, AwsApiFixture::start);

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return FACTORIES.containsKey(parameter.getParameter().getType());
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    try {
      Object fixture =
          context
              .getRoot()
              .getStore(NAMESPACE)
              .getOrComputeIfAbsent(type, t -> FACTORIES.get(t).get());
      return type.cast(fixture);
    } catch (RuntimeException e) {
      throw new ParameterResolutionException(
          "could not start " + type.getSimpleName() + ": " + e.getMessage(), e);
    }
  }
}
