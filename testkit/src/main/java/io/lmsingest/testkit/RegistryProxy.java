package io.lmsingest.testkit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Real HTTP in front of the real schema registry: forwards every call, counts them, and can be
 * switched down (503, as a registry in trouble answers) or require an Authorization header (401
 * without it). The registry itself stays real.
 */
public final class RegistryProxy implements AutoCloseable {
  private final URI registry;
  private final HttpServer server;
  private final HttpClient http = HttpClient.newHttpClient();
  private final AtomicInteger requests = new AtomicInteger();
  private final AtomicBoolean down = new AtomicBoolean();
  private final Optional<String> requiredAuthorization;

  /**
   * @param registryUrl the registry's API URL (its path is kept: the proxy's {@link #url()} has the
   *     same path)
   * @param requiredAuthorization the Authorization header a call must carry, if any
   */
  public RegistryProxy(String registryUrl, Optional<String> requiredAuthorization)
      throws IOException {
    this.registry = URI.create(registryUrl);
    this.requiredAuthorization = requiredAuthorization;
    this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  /** The registry's URL through this proxy. */
  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + registry.getRawPath();
  }

  /** Calls received so far (answered or refused). */
  public int requests() {
    return requests.get();
  }

  /** While down, every call gets 503. */
  public void down(boolean isDown) {
    down.set(isDown);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      requests.incrementAndGet();
      if (down.get()) {
        respond(exchange, 503, "{\"error_code\":50301,\"message\":\"down for the test\"}");
        return;
      }
      if (requiredAuthorization.isPresent()
          && !requiredAuthorization
              .get()
              .equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
        respond(exchange, 401, "{\"error_code\":40101,\"message\":\"who are you\"}");
        return;
      }
      String query = exchange.getRequestURI().getRawQuery();
      URI target =
          URI.create(
              registry.getScheme()
                  + "://"
                  + registry.getRawAuthority()
                  + exchange.getRequestURI().getRawPath()
                  + (query == null ? "" : "?" + query));
      byte[] body = exchange.getRequestBody().readAllBytes();
      HttpRequest.Builder request =
          HttpRequest.newBuilder(target)
              .method(
                  exchange.getRequestMethod(),
                  body.length == 0
                      ? HttpRequest.BodyPublishers.noBody()
                      : HttpRequest.BodyPublishers.ofByteArray(body));
      String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
      if (contentType != null) {
        request.header("Content-Type", contentType);
      }
      HttpResponse<String> answer =
          http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      respond(exchange, answer.statusCode(), answer.body());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void respond(HttpExchange exchange, int status, String json) throws IOException {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      exchange.getResponseBody().write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
