package io.lmsingest.observability;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * {@code GET /metrics} (Prometheus text format) and {@code GET /health} (200 while healthy, 503
 * otherwise) for a service, on its own small HTTP server.
 */
public final class MetricsEndpoint implements AutoCloseable {
  private final HttpServer server;

  private MetricsEndpoint(HttpServer server) {
    this.server = server;
  }

  /**
   * @param metrics name (optionally with {labels}) to value, read on every scrape
   * @param healthy whether the service is working
   */
  public static MetricsEndpoint start(String host, int port, Supplier<Map<String, Long>> metrics, BooleanSupplier healthy)
      throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 16);
    server.createContext("/metrics", exchange -> {
      StringBuilder body = new StringBuilder();
      metrics.get().forEach((name, value) -> body.append(name).append(' ').append(value).append('\n'));
      reply(exchange, 200, "text/plain; version=0.0.4", body.toString());
    });
    server.createContext("/health", exchange -> {
      boolean ok = healthy.getAsBoolean();
      reply(exchange, ok ? 200 : 503, "application/json", ok ? "{\"status\":\"UP\"}" : "{\"status\":\"DOWN\"}");
    });
    server.start();
    return new MetricsEndpoint(server);
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private static void reply(HttpExchange exchange, int status, String contentType, String body) throws IOException {
    try (exchange) {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", contentType);
      exchange.sendResponseHeaders(status, bytes.length);
      exchange.getResponseBody().write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
