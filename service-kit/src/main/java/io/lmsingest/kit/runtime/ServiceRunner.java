package io.lmsingest.kit.runtime;

import io.lmsingest.kit.config.CommonKeys;
import io.lmsingest.kit.config.ServiceConfig;
import io.lmsingest.kit.config.ServiceConfigFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs every service the same way: config read and checked, the endpoint ({@code /metrics}, {@code
 * /health}, {@code /ready}) up before the service is built, the service run until SIGTERM asks it
 * to stop at a safe point, then closed before the JVM exits.
 *
 * <p>Exit codes: {@value #EXIT_STOPPED} the service returned on its own; {@value #EXIT_FAILED} it
 * failed (the log says why); {@value #EXIT_USAGE} bad usage or config (the message names the key);
 * 143 stopped by SIGTERM after a graceful stop (the JVM's own code for a signal).
 */
public final class ServiceRunner {
  public static final int EXIT_STOPPED = 0;
  public static final int EXIT_FAILED = 1;
  public static final int EXIT_USAGE = 2;

  private static final Logger LOG = LoggerFactory.getLogger(ServiceRunner.class);

  private ServiceRunner() {}

  /** Builds a service from its checked config. */
  @FunctionalInterface
  public interface Factory<C extends ServiceConfig> {
    Service create(C config) throws Exception;
  }

  /**
   * Reads a service's config from file values and the environment ({@code LMS_<KEY>} overrides).
   */
  @FunctionalInterface
  public interface ConfigLoader<C extends ServiceConfig> {
    C load(Map<String, String> fileValues, Map<String, String> environment);
  }

  /** A service's {@code main}: {@code <Main> <config.properties>}; exits with the codes above. */
  public static <C extends ServiceConfig> void main(
      String service, String[] args, ConfigLoader<C> loader, Factory<C> factory) {
    System.exit(runFromFile(service, args, loader, factory));
  }

  static <C extends ServiceConfig> int runFromFile(
      String service, String[] args, ConfigLoader<C> loader, Factory<C> factory) {
    if (args.length != 1) {
      System.err.println("usage: " + service + " <config.properties>");
      return EXIT_USAGE;
    }
    C config;
    try {
      config = loader.load(ServiceConfigFile.read(Path.of(args[0])), System.getenv());
    } catch (IOException | ConfigException e) {
      LOG.error("{} cannot start: {}", service, e.getMessage());
      System.err.println(service + " cannot start: " + e.getMessage());
      return EXIT_USAGE;
    }
    return run(config, factory);
  }

  /** Runs the service until it stops or fails; returns the exit code. */
  public static <C extends ServiceConfig> int run(C config, Factory<C> factory) {
    String name = config.service();
    LOG.info("{} starting with config {}", name, config.printable());
    AtomicReference<Service> current = new AtomicReference<>();
    AtomicBoolean failed = new AtomicBoolean();
    try (GracefulStop stop = GracefulStop.install(name);
        AutoCloseable endpoint = endpoint(config, current, failed, stop)) {
      try (Service service = factory.create(config)) {
        current.set(service);
        stop.onSignal(service::stop);
        LOG.info("{} running", name);
        service.run();
        LOG.info("{} stopped", name);
        return EXIT_STOPPED;
      }
    } catch (Exception e) {
      failed.set(true);
      LOG.error("{} failed: {}", name, e.toString(), e);
      return EXIT_FAILED;
    }
  }

  private static AutoCloseable endpoint(
      ServiceConfig config,
      AtomicReference<Service> current,
      AtomicBoolean failed,
      GracefulStop stop)
      throws IOException {
    int port = config.getInt(CommonKeys.METRICS_PORT);
    if (port < 0) {
      return () -> {};
    }
    String host = config.getString(CommonKeys.METRICS_HOST);
    ServiceEndpoint endpoint =
        ServiceEndpoint.start(
            host,
            port,
            () -> current.get() == null ? "" : current.get().metrics().scrape(),
            () -> !failed.get() && (current.get() == null || current.get().alive()),
            () -> {
              Service service = current.get();
              if (stop.isRequested()) {
                return Readiness.notReady("stopping");
              }
              return service == null ? Readiness.notReady("starting") : service.readiness();
            });
    LOG.info(
        "{} endpoint at http://{}:{}/ (metrics, health, ready)",
        config.service(),
        host,
        endpoint.port());
    return endpoint;
  }
}
