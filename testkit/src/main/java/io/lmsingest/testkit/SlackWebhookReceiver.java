package io.lmsingest.testkit;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A local stand-in for a Slack incoming webhook: answers {@code ok} and keeps every JSON body
 * posted.
 */
public final class SlackWebhookReceiver implements AutoCloseable {
  private final HttpServer server;
  private final List<String> bodies = new CopyOnWriteArrayList<>();
  private final String path;

  public SlackWebhookReceiver(String secretPath) throws IOException {
    this.path = "/services/" + secretPath;
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        exchange -> {
          try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            boolean ours =
                exchange.getRequestURI().getPath().equals(path)
                    && exchange.getRequestMethod().equals("POST");
            if (ours) {
              bodies.add(new String(body, StandardCharsets.UTF_8));
            }
            byte[] answer = (ours ? "ok" : "no_service").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(ours ? 200 : 404, answer.length);
            exchange.getResponseBody().write(answer);
          }
        });
    server.start();
  }

  /** The webhook URL (its path is the secret part, as with Slack). */
  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  /** Every body posted so far. */
  public List<String> received() {
    return List.copyOf(bodies);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
