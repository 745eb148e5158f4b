package io.lmsingest.kit.runtime;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * A service's own small HTTP server: {@code GET /metrics} (Prometheus text format), {@code GET
 * /health} (liveness: 200 while the process works, 503 once it has failed) and {@code GET /ready}
 * (readiness: 200, or 503 with the reason).
 */
public final class ServiceEndpoint implements AutoCloseable {
  private final HttpServer server;

  private ServiceEndpoint(HttpServer server) {
    this.server = server;
  }

  /**
   * @param metrics the Prometheus text format, read on every scrape
   * @param alive whether the service is alive (its loop has not failed)
   * @param readiness whether it is doing its job, read on every request
   */
  public static ServiceEndpoint start(
      String host,
      int port,
      Supplier<String> metrics,
      BooleanSupplier alive,
      Supplier<Readiness> readiness)
      throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 16);
    server.createContext(
        "/metrics",
        exchange -> {
          reply(exchange, 200, PrometheusTextFormatWriter.CONTENT_TYPE, metrics.get());
        });
    server.createContext(
        "/health",
        exchange -> {
          boolean ok = alive.getAsBoolean();
          reply(
              exchange,
              ok ? 200 : 503,
              "application/json",
              ok ? "{\"status\":\"UP\"}" : "{\"status\":\"DOWN\"}");
        });
    server.createContext(
        "/ready",
        exchange -> {
          Readiness r = readiness.get();
          reply(
              exchange,
              r.isReady() ? 200 : 503,
              "application/json",
              "{\"status\":\""
                  + (r.isReady() ? "READY" : "NOT_READY")
                  + "\",\"reason\":\""
                  + json(r.reason())
                  + "\"}");
        });
    server.start();
    return new ServiceEndpoint(server);
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private static String json(String text) {
    StringBuilder out = new StringBuilder();
    for (char c : text.toCharArray()) {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.toString();
  }

  private static void reply(HttpExchange exchange, int status, String contentType, String body)
      throws IOException {
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
