package io.lmsingest.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.lmsingest.kit.metrics.ServiceMetrics;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Over real HTTP: a stage's counter read from a service's /metrics, across a restart. */
class StageMeterTest {
  @Test
  void countsWhatAStagePassedOnAcrossARestartAndKeepsTheHeapPeak() throws Exception {
    AtomicReference<String> sinkMetrics = new AtomicReference<>("");
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/metrics",
        exchange -> {
          byte[] body = sinkMetrics.get().getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
    int port = server.getAddress().getPort();
    try (StageMeter meter = new StageMeter(service -> service.equals("sink") ? port : -1)) {
      sinkMetrics.set(sample(100, 50));
      meter.sampleOnce();
      sinkMetrics.set(sample(1_000, 120));
      meter.sampleOnce();
      sinkMetrics.set(sample(300, 30)); // restarted: the counter began again
      meter.sampleOnce();
      sinkMetrics.set(sample(500, 40));
      meter.sampleOnce();

      StageMeter.Rate sink = meter.rates().get("v1 -> Bronze");
      assertThat(sink.records()).isEqualTo(1_500);
      assertThat(sink.timedRecords())
          .as("what passed before the first sample is not timed")
          .isEqualTo(1_400);
      assertThat(sink.activeSeconds()).isPositive();
      assertThat(meter.rates().get("API -> raw").records()).isZero();
      assertThat(meter.heap().get("sink")).containsExactly(120L << 20, 256L << 20);
      assertThat(meter.heap()).doesNotContainKey("poller");
    } finally {
      server.stop(0);
    }
  }

  static String sample(long records, long heapPeakMb) {
    return Map.of(
            "lms_sink_records_total",
            (double) records,
            ServiceMetrics.HEAP_PEAK,
            (double) (heapPeakMb << 20),
            ServiceMetrics.HEAP_MAX,
            (double) (256L << 20))
        .entrySet()
        .stream()
        .map(e -> e.getKey() + " " + e.getValue() + "\n")
        .reduce("# TYPE lms_sink_records_total counter\n", String::concat);
  }
}
