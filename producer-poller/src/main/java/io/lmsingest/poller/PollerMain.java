package io.lmsingest.poller;

import io.lmsingest.config.GracefulStop;
import io.lmsingest.poller.alert.AlertSink;
import io.lmsingest.poller.config.PollerConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The poller as a process: {@code PollerMain <config.properties>}; SIGTERM stops it after the current page. */
public final class PollerMain {
  private static final Logger LOG = LoggerFactory.getLogger(PollerMain.class);

  private PollerMain() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      System.err.println("usage: PollerMain <config.properties>");
      System.exit(2);
    }
    System.exit(run(PollerConfig.load(readProperties(Path.of(args[0])), System.getenv())));
  }

  /** Runs until stopped; returns the process exit code. */
  public static int run(PollerConfig config) throws Exception {
    try (GracefulStop stop = GracefulStop.install("poller");
        PollerApp app = PollerApp.create(config, AlertSink.log(), Clock.systemUTC());
        AutoCloseable endpoint = metricsEndpoint(config, app)) {
      stop.onSignal(app::stop);
      app.run();
    } catch (RuntimeException e) {
      LOG.error("poller stopped: {}", e.toString());
      return 1;
    }
    return 0;
  }

  private static AutoCloseable metricsEndpoint(PollerConfig config, PollerApp app) throws IOException {
    int port = config.getInt(PollerConfig.METRICS_PORT);
    if (port < 0) {
      return () -> {};
    }
    io.lmsingest.observability.MetricsEndpoint endpoint = io.lmsingest.observability.MetricsEndpoint.start(
        "127.0.0.1", port, app.metrics()::prometheus, () -> true);
    LOG.info("poller metrics at http://127.0.0.1:{}/metrics", endpoint.port());
    return endpoint;
  }

  public static Map<String, String> readProperties(Path file) throws IOException {
    return io.lmsingest.config.ServiceConfigFile.read(file);
  }

}
