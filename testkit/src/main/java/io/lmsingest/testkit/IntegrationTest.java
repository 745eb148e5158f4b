package io.lmsingest.testkit;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a test class that talks to real infrastructure. Its test methods and constructor may take a
 * {@link KafkaFixture}, {@link RegistryFixture}, {@link S3Fixture}, {@link WarehouseFixture} or
 * {@link AwsApiFixture} parameter; each is started once per test JVM and shared.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag("integration")
@ExtendWith(LocalStackExtension.class)
public @interface IntegrationTest {}
