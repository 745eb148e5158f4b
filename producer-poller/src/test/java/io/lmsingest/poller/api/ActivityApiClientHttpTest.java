package io.lmsingest.poller.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.lmsingest.secrets.Secret;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The API client over real HTTP: the key goes to the configured origin only (a next-page link or a
 * redirect to another origin is refused before anything is sent there), and a page whose body
 * stalls fails within the timeout.
 */
class ActivityApiClientHttpTest {
  static final String KEY = "canary-api-key-5f1e";
  static final String EMPTY_PAGE = "{\"data\":[],\"has_more\":false}";

  final List<HttpServer> servers = new CopyOnWriteArrayList<>();

  /** Every request any server saw: "host:port path key=<the key header, if any>". */
  final List<String> seen = new CopyOnWriteArrayList<>();

  HttpServer server(Consumer<HttpExchange> handler) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        exchange -> {
          seen.add(
              exchange.getLocalAddress().getPort()
                  + " "
                  + exchange.getRequestURI().getPath()
                  + " key="
                  + exchange.getRequestHeaders().getFirst("X-Api-Key"));
          handler.accept(exchange);
        });
    server.start();
    servers.add(server);
    return server;
  }

  static void respond(HttpExchange exchange, int status, String body, String location) {
    try {
      if (location != null) {
        exchange.getResponseHeaders().add("Location", location);
      }
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
      if (bytes.length > 0) {
        exchange.getResponseBody().write(bytes);
      }
      exchange.close();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static String base(HttpServer server) {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  ActivityApiClient client(HttpServer api, Pagination pagination) {
    return new ActivityApiClient(
        URI.create(base(api) + "/activities"),
        "X-Api-Key",
        () -> Secret.of(KEY),
        100,
        Duration.ofSeconds(5),
        pagination);
  }

  /** Lets a stalling handler go when the test ends (the server's stop waits for its handler). */
  final CountDownLatch release = new CountDownLatch(1);

  @AfterEach
  void stop() {
    release.countDown();
    servers.forEach(s -> s.stop(0));
  }

  @Test
  void aNextLinkToAnotherOriginIsRefusedAndNothingIsSentThere() throws Exception {
    HttpServer elsewhere = server(e -> respond(e, 200, EMPTY_PAGE, null));
    HttpServer api =
        server(
            e ->
                respond(
                    e,
                    200,
                    "{\"data\":[],\"has_more\":true,\"next\":\""
                        + base(elsewhere)
                        + "/activities?cursor=2\"}",
                    null));
    ActivityApiClient client = client(api, Pagination.NEXT_LINK);
    PageResult first = client.fetch(PageRequest.since(Instant.EPOCH), a -> {});
    assertThat(first.next()).isPresent();

    assertThatThrownBy(() -> client.fetch(first.next().get(), a -> {}))
        .isInstanceOf(ApiFailure.class)
        .hasMessageContaining("points to http://127.0.0.1:" + elsewhere.getAddress().getPort())
        .hasMessageContaining("the API key is sent only to the configured origin")
        .hasMessageNotContaining(KEY)
        .satisfies(f -> assertThat(((ApiFailure) f).kind()).isEqualTo(ApiFailure.Kind.REJECTED));
    assertThat(seen).noneMatch(s -> s.startsWith(elsewhere.getAddress().getPort() + " "));
  }

  @Test
  void aRedirectToAnotherOriginIsRefusedAndNothingIsSentThere() throws Exception {
    HttpServer elsewhere = server(e -> respond(e, 200, EMPTY_PAGE, null));
    HttpServer api = server(e -> respond(e, 302, "", base(elsewhere) + "/steal"));
    assertThatThrownBy(
            () -> client(api, Pagination.CURSOR).fetch(PageRequest.since(Instant.EPOCH), a -> {}))
        .isInstanceOf(ApiFailure.class)
        .hasMessageContaining("a redirect (HTTP 302)")
        .hasMessageContaining("not followed");
    assertThat(seen).hasSize(1).allMatch(s -> s.contains("/activities key=" + KEY));
  }

  @Test
  void aRedirectWithinTheApiIsFollowedWithTheKey() throws Exception {
    HttpServer api =
        server(
            e -> {
              if (e.getRequestURI().getPath().equals("/activities")) {
                respond(e, 307, "", "/v2/activities?" + e.getRequestURI().getRawQuery());
              } else {
                respond(e, 200, EMPTY_PAGE, null);
              }
            });
    PageResult page =
        client(api, Pagination.CURSOR).fetch(PageRequest.since(Instant.EPOCH), a -> {});
    assertThat(page.hasMore()).isFalse();
    assertThat(seen)
        .containsExactly(
            api.getAddress().getPort() + " /activities key=" + KEY,
            api.getAddress().getPort() + " /v2/activities key=" + KEY);
  }

  @Test
  void originsCompareSchemeHostAndDefaultPorts() {
    assertThat(ActivityApiClient.origin(URI.create("https://LMS.example.com/a")))
        .isEqualTo(ActivityApiClient.origin(URI.create("https://lms.example.com:443/b?c=d")));
    assertThat(ActivityApiClient.origin(URI.create("http://lms.example.com/a")))
        .isNotEqualTo(ActivityApiClient.origin(URI.create("https://lms.example.com/a")));
    assertThat(ActivityApiClient.origin(URI.create("https://lms.example.com.evil.io/a")))
        .isNotEqualTo(ActivityApiClient.origin(URI.create("https://lms.example.com/a")));
  }

  /** Headers and the start of a page, then silence with the connection kept open (half-open). */
  @Test
  void aPageThatStallsMidBodyFailsWithinTheTimeoutLikeA5xx() throws Exception {
    HttpServer api =
        server(
            e -> {
              try {
                e.sendResponseHeaders(200, 0); // chunked: the body has no announced length
                e.getResponseBody().write("{\"data\":[".getBytes(StandardCharsets.UTF_8));
                e.getResponseBody().flush();
                release.await(30, TimeUnit.SECONDS);
              } catch (IOException | InterruptedException ignored) {
                // the test is over; the client went away
              }
            });
    ActivityApiClient client =
        new ActivityApiClient(
            URI.create(base(api) + "/activities"),
            "X-Api-Key",
            () -> Secret.of(KEY),
            100,
            Duration.ofMillis(1_500),
            Pagination.CURSOR);
    long started = System.nanoTime();
    assertThatThrownBy(() -> client.fetch(PageRequest.since(Instant.EPOCH), a -> {}))
        .isInstanceOf(ApiFailure.class)
        .hasMessageContaining("page read did not finish within 1500 ms")
        .satisfies(f -> assertThat(((ApiFailure) f).kind()).isEqualTo(ApiFailure.Kind.TRANSIENT));
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(15));
  }
}
