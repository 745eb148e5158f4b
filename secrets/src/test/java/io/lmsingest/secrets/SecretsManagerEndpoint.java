package io.lmsingest.secrets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local HTTP endpoint speaking the AWS Secrets Manager JSON protocol (GetSecretValue only), so
 * the real AWS SDK client is exercised end to end. AWS itself cannot run on this machine.
 */
final class SecretsManagerEndpoint implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpServer server;
  private final Map<String, String> secrets = new ConcurrentHashMap<>();
  final AtomicInteger calls = new AtomicInteger();
  volatile String lastAuthorization;

  SecretsManagerEndpoint() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  void put(String id, String value) {
    secrets.put(id, value);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      calls.incrementAndGet();
      lastAuthorization = exchange.getRequestHeaders().getFirst("Authorization");
      String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
      JsonNode request = JSON.readTree(exchange.getRequestBody());
      if (!"secretsmanager.GetSecretValue".equals(target)) {
        reply(exchange, 400, Map.of("__type", "InvalidAction", "message", "unsupported " + target));
        return;
      }
      String id = request.path("SecretId").asText();
      String value = secrets.get(id);
      if (value == null) {
        reply(
            exchange,
            400,
            Map.of(
                "__type",
                "ResourceNotFoundException",
                "message",
                "Secrets Manager can't find the specified secret."));
        return;
      }
      reply(
          exchange,
          200,
          Map.of(
              "ARN",
              "arn:aws:secretsmanager:us-east-1:000000000000:secret:" + id,
              "Name",
              id,
              "SecretString",
              value,
              "VersionId",
              "v-" + value.hashCode(),
              "VersionStages",
              List.of("AWSCURRENT"),
              "CreatedDate",
              1.7e9));
    }
  }

  private static void reply(HttpExchange exchange, int status, Map<String, ?> body)
      throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(body);
    exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.1");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  @Override
  public void close() {
    server.stop(0);
  }

  static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
