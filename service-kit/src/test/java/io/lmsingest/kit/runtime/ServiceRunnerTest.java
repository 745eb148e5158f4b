package io.lmsingest.kit.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.lmsingest.kit.config.CommonKeys;
import io.lmsingest.kit.config.ServiceConfig;
import io.lmsingest.kit.metrics.ServiceMetrics;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.config.ConfigDef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServiceRunnerTest {
  static final class ExampleConfig extends ServiceConfig {
    static final ConfigDef DEFINITION = CommonKeys.metrics(new ConfigDef());

    ExampleConfig(Map<String, ?> values) {
      super("example", DEFINITION, values);
    }
  }

  /** A service that becomes ready when told, and returns from run() when stopped. */
  static final class LatchedService implements Service {
    final ServiceMetrics metrics = new ServiceMetrics().counter("lms_example_runs_total", "Runs.");
    final CountDownLatch stopped = new CountDownLatch(1);
    volatile boolean warm;
    volatile boolean closed;

    @Override
    public void run() throws InterruptedException {
      metrics.increment("lms_example_runs_total");
      stopped.await();
    }

    @Override
    public void stop() {
      stopped.countDown();
    }

    @Override
    public ServiceMetrics metrics() {
      return metrics;
    }

    @Override
    public Readiness readiness() {
      return warm ? Readiness.READY : Readiness.notReady("warming up");
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  @Test
  void servesMetricsHealthAndReadinessWhileRunningAndClosesTheServiceAfterItStops()
      throws Exception {
    int port = freePort();
    LatchedService service = new LatchedService();
    CompletableFuture<Integer> exit =
        CompletableFuture.supplyAsync(
            () ->
                ServiceRunner.run(
                    new ExampleConfig(Map.of(CommonKeys.METRICS_PORT, Integer.toString(port))),
                    c -> service));
    HttpClient http = HttpClient.newHttpClient();
    String base = "http://127.0.0.1:" + port;
    HttpResponse<String> ready = awaitAnswer(http, base + "/ready");
    assertThat(ready.statusCode()).isEqualTo(503);
    assertThat(ready.body()).contains("warming up");
    service.warm = true;
    assertThat(get(http, base + "/ready").statusCode()).isEqualTo(200);
    assertThat(get(http, base + "/health").statusCode()).isEqualTo(200);
    assertThat(get(http, base + "/metrics").body()).contains("lms_example_runs_total 1.0");

    service.stop();
    assertThat(exit.get(10, TimeUnit.SECONDS)).isEqualTo(ServiceRunner.EXIT_STOPPED);
    assertThat(service.closed).isTrue();
  }

  @Test
  void aFailingServiceExitsWithOneAndABadConfigWithTwo(@TempDir Path dir) throws Exception {
    int code =
        ServiceRunner.run(
            new ExampleConfig(Map.of()),
            c -> {
              throw new IllegalStateException("cannot reach the brokers");
            });
    assertThat(code).isEqualTo(ServiceRunner.EXIT_FAILED);

    Path file = Files.writeString(dir.resolve("bad.properties"), "metrics.prot=9000\n");
    assertThat(
            ServiceRunner.runFromFile(
                "example",
                new String[] {file.toString()},
                (values, env) -> new ExampleConfig(values),
                c -> new LatchedService()))
        .isEqualTo(ServiceRunner.EXIT_USAGE);
    assertThat(
            ServiceRunner.runFromFile(
                "example",
                new String[] {},
                (values, env) -> new ExampleConfig(values),
                c -> new LatchedService()))
        .isEqualTo(ServiceRunner.EXIT_USAGE);
  }

  private static HttpResponse<String> awaitAnswer(HttpClient http, String url) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      try {
        HttpResponse<String> response = get(http, url);
        if (!response.body().contains("starting")) {
          return response;
        }
      } catch (IOException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
      }
      Thread.sleep(50);
    }
  }

  private static HttpResponse<String> get(HttpClient http, String url) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
