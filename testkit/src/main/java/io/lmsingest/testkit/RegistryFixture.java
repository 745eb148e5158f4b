package io.lmsingest.testkit;

import io.lmsingest.localstack.Ports;
import io.lmsingest.localstack.RegistryServer;
import io.lmsingest.localstack.ServiceProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * A real schema registry (Apicurio 2.4, Confluent-compatible API) in its own JVM, in-memory
 * storage.
 */
public final class RegistryFixture implements AutoCloseable {
  private final RegistryServer server;
  private final ServiceProcess process;

  private RegistryFixture(RegistryServer server, ServiceProcess process) {
    this.server = server;
    this.process = process;
  }

  static RegistryFixture start() {
    try {
      Path home = Files.createTempDirectory("lms-registry-");
      RegistryServer server = new RegistryServer(home, Ports.free(), false);
      ServiceProcess process = server.start(Duration.ofSeconds(90));
      // If the test JVM is terminated before JUnit closes its fixtures, the registry goes with it.
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    if (process.isAlive()) {
                      try {
                        process.stop(Duration.ofSeconds(5));
                      } catch (IOException e) {
                        System.err.println(
                            "could not stop the test registry (pid " + process.pid() + "): " + e);
                      }
                    }
                  },
                  "registry-fixture-stop"));
      return new RegistryFixture(server, process);
    } catch (Exception e) {
      throw new IllegalStateException("schema registry did not start: " + e.getMessage(), e);
    }
  }

  /** The value for {@code schema.registry.url}. */
  public String url() {
    return server.confluentApiUrl();
  }

  /** Serde configs pointing at this registry. */
  public Map<String, Object> serdeConfig() {
    Map<String, Object> config = new HashMap<>();
    config.put("schema.registry.url", url());
    return config;
  }

  /** The registry's process, e.g. to stop it in a test of registry outages (the run's last use). */
  public ServiceProcess process() {
    return process;
  }

  @Override
  public void close() throws Exception {
    process.stop(Duration.ofSeconds(10));
  }
}
