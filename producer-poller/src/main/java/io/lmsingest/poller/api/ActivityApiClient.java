package io.lmsingest.poller.api;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.lmsingest.schemas.LearnerActivity;
import io.lmsingest.secrets.Secret;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads one page of the LMS activity API as a stream: each activity is handed to the caller as soon
 * as it is parsed, so no page is ever held whole in memory. A page that breaks off or is not of the
 * expected shape fails as {@link ApiFailure.Kind#MALFORMED_PAGE} after its records were handed out,
 * which is why the caller writes them into a transaction it can abort.
 */
public final class ActivityApiClient {
  private static final JsonFactory JSON = new JsonFactory();

  /** Closes the body of a page whose read outlasts the timeout (one daemon thread for all). */
  private static final ScheduledExecutorService WATCHDOG =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "lms-api-page-watchdog");
            t.setDaemon(true);
            return t;
          });

  private static final Pattern NEXT_LINK = Pattern.compile("<([^>]+)>\\s*;\\s*rel=\"?next\"?");

  /** Receives the page's activities in order. */
  @FunctionalInterface
  public interface ActivitySink {
    void accept(LearnerActivity activity) throws ApiFailure;

    /** An element that is not a valid activity; a sink that cannot keep it must fail the page. */
    default void reject(UnparsableRecord record) {
      throw new IllegalStateException(
          "this page sink cannot keep an unparsable record: " + record.reason());
    }
  }

  private final URI activitiesUrl;
  private final String keyHeader;
  private final Supplier<Secret> apiKey;
  private final int pageSize;
  private final Duration timeout;
  private final Pagination pagination;
  private final HttpClient http;

  public ActivityApiClient(
      URI activitiesUrl,
      String keyHeader,
      Supplier<Secret> apiKey,
      int pageSize,
      Duration timeout,
      Pagination pagination) {
    this.activitiesUrl = activitiesUrl;
    this.keyHeader = keyHeader;
    this.apiKey = apiKey;
    this.pageSize = pageSize;
    this.timeout = timeout;
    this.pagination = pagination;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(timeout)
            // Redirects are followed here, not by the client: the JDK re-sends every header,
            // the API key too, to wherever a redirect points.
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  /** Most redirects followed for one page. */
  static final int MAX_REDIRECTS = 5;

  /**
   * Fetches the page {@code request} names, streaming its activities into {@code sink}. The API key
   * is only ever sent to the configured API's origin (scheme, host and port): a next-page link or a
   * redirect to another origin is refused, not followed.
   */
  public PageResult fetch(PageRequest request, ActivitySink sink) throws ApiFailure {
    URI uri = uriOf(request);
    requireApiOrigin(uri, "the next-page link of " + request);
    HttpResponse<InputStream> response = send(uri, request);
    for (int hops = 0; isRedirect(response.statusCode()); hops++) {
      String location = response.headers().firstValue("Location").orElse(null);
      close(response);
      if (location == null || hops >= MAX_REDIRECTS) {
        throw new ApiFailure(
            ApiFailure.Kind.TRANSIENT,
            "HTTP "
                + response.statusCode()
                + " on "
                + request
                + (location == null
                    ? " without a Location"
                    : " after " + MAX_REDIRECTS + " redirects"),
            Optional.empty(),
            null);
      }
      uri = uri.resolve(location);
      requireApiOrigin(uri, "a redirect (HTTP " + response.statusCode() + ") of " + request);
      response = send(uri, request);
    }
    try (InputStream body = response.body()) {
      int status = response.statusCode();
      if (status != 200) {
        throw failureFor(status, response, request);
      }
      // The client's timeout ends when the headers arrive; a connection that goes silent in the
      // middle of the body (half-open) would block the read forever. A watchdog closes the body
      // when the whole page has taken longer than the timeout.
      AtomicBoolean stalled = new AtomicBoolean();
      ScheduledFuture<?> watchdog =
          WATCHDOG.schedule(
              () -> {
                stalled.set(true);
                closeQuietly(body);
              },
              timeout.toMillis(),
              TimeUnit.MILLISECONDS);
      try {
        return readPage(uri, body, response, sink);
      } catch (ApiFailure e) {
        if (stalled.get()) {
          throw new ApiFailure(
              ApiFailure.Kind.TRANSIENT,
              "page read did not finish within "
                  + timeout.toMillis()
                  + " ms (the connection stalled mid-body) on "
                  + request,
              Optional.empty(),
              e);
        }
        throw e;
      } finally {
        watchdog.cancel(false);
      }
    } catch (IOException e) {
      // Closing a broken stream; the page itself has already succeeded or failed.
      throw new ApiFailure(
          ApiFailure.Kind.TRANSIENT,
          "I/O error reading " + request + ": " + e,
          Optional.empty(),
          e);
    }
  }

  private HttpResponse<InputStream> send(URI uri, PageRequest request) throws ApiFailure {
    HttpRequest httpRequest =
        HttpRequest.newBuilder(uri)
            .timeout(timeout)
            .header(keyHeader, apiKey.get().reveal())
            .header("Accept", "application/json")
            .GET()
            .build();
    try {
      return http.send(httpRequest, HttpResponse.BodyHandlers.ofInputStream());
    } catch (HttpTimeoutException e) {
      throw new ApiFailure(
          ApiFailure.Kind.TRANSIENT,
          "timeout after " + timeout.toMillis() + " ms on " + request,
          Optional.empty(),
          e);
    } catch (IOException e) {
      throw new ApiFailure(
          ApiFailure.Kind.TRANSIENT, "I/O error on " + request + ": " + e, Optional.empty(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ApiFailure(ApiFailure.Kind.TRANSIENT, "interrupted", Optional.empty(), e);
    }
  }

  private static void closeQuietly(InputStream body) {
    try {
      body.close();
    } catch (IOException e) {
      // the read it unblocks reports the failure
    }
  }

  private static boolean isRedirect(int status) {
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
  }

  private static void close(HttpResponse<InputStream> response) {
    try (InputStream body = response.body()) {
      body.transferTo(OutputStream.nullOutputStream());
    } catch (IOException e) {
      // the redirect's body is of no interest; the connection is not reused then
    }
  }

  /** A URI the key may be sent to: the configured API's scheme, host and port. */
  private void requireApiOrigin(URI uri, String what) throws ApiFailure {
    if (!origin(uri).equals(origin(activitiesUrl))) {
      throw new ApiFailure(
          ApiFailure.Kind.REJECTED,
          what
              + " points to "
              + origin(uri)
              + ", not the configured API "
              + origin(activitiesUrl)
              + ": not followed, the API key is sent only to the configured origin",
          Optional.empty(),
          null);
    }
  }

  static String origin(URI uri) {
    String scheme = String.valueOf(uri.getScheme()).toLowerCase(Locale.ROOT);
    int port =
        uri.getPort() != -1
            ? uri.getPort()
            : scheme.equals("https") ? 443 : scheme.equals("http") ? 80 : -1;
    return scheme + "://" + String.valueOf(uri.getHost()).toLowerCase(Locale.ROOT) + ":" + port;
  }

  private PageResult readPage(
      URI current, InputStream body, HttpResponse<?> response, ActivitySink sink)
      throws ApiFailure {
    int records = 0;
    boolean hasMore = false;
    String nextCursor = null;
    String nextLink = null;
    try (JsonParser json = JSON.createParser(body)) {
      expect(json.nextToken(), JsonToken.START_OBJECT);
      while (json.nextToken() == JsonToken.FIELD_NAME) {
        String field = json.currentName();
        JsonToken value = json.nextToken();
        switch (field) {
          case "data" -> {
            expect(value, JsonToken.START_ARRAY);
            while (json.nextToken() != JsonToken.END_ARRAY) {
              ActivityJsonReader.Parsed element = ActivityJsonReader.read(json);
              if (element instanceof ActivityJsonReader.Parsed.Activity a) {
                sink.accept(a.activity());
              } else {
                sink.reject((UnparsableRecord) element);
              }
              records++; // a rejected element still holds its place (offset pagination)
            }
          }
          case "has_more" -> hasMore = json.getValueAsBoolean();
          case "next_cursor" -> nextCursor = json.getValueAsString();
          case "next" -> nextLink = json.getValueAsString();
          default -> json.skipChildren();
        }
      }
      if (json.currentToken() != JsonToken.END_OBJECT) {
        throw new JsonProcessingException("page does not end with '}'") {};
      }
    } catch (IOException e) {
      // Truncated or malformed: the records already handed out must not be committed.
      throw new ApiFailure(
          ApiFailure.Kind.MALFORMED_PAGE,
          "malformed page after " + records + " records: " + e.getMessage(),
          Optional.empty(),
          e);
    }
    return new PageResult(
        records,
        hasMore ? nextRequest(current, nextCursor, nextLink, response, records) : Optional.empty());
  }

  private Optional<PageRequest> nextRequest(
      URI current, String nextCursor, String nextLink, HttpResponse<?> response, int records)
      throws ApiFailure {
    String target =
        switch (pagination) {
          case CURSOR ->
              nextCursor == null
                  ? null
                  : "?cursor="
                      + URLEncoder.encode(nextCursor, StandardCharsets.UTF_8)
                      + "&limit="
                      + pageSize;
          case NEXT_LINK -> nextLink;
          case LINK_HEADER ->
              response.headers().allValues("Link").stream()
                  .map(NEXT_LINK::matcher)
                  .filter(Matcher::find)
                  .map(m -> m.group(1))
                  .findFirst()
                  .orElse(null);
          case PAGE_NUMBER ->
              withParameter(current, "page", Long.toString(parameter(current, "page", 1) + 1));
          case OFFSET ->
              withParameter(
                  current, "offset", Long.toString(parameter(current, "offset", 0) + records));
        };
    if (target == null) {
      throw new ApiFailure(
          ApiFailure.Kind.MALFORMED_PAGE,
          "page says has_more but gives no next page for pagination " + pagination,
          Optional.empty(),
          null);
    }
    // java.net.URI.resolve follows RFC 2396, which drops the last path segment for a query-only
    // reference ("?cursor=…"); append those to the endpoint itself.
    URI next =
        target.startsWith("?") ? URI.create(activitiesUrl + target) : activitiesUrl.resolve(target);
    return Optional.of(PageRequest.next(next));
  }

  private URI uriOf(PageRequest request) {
    if (request.next().isPresent()) {
      return request.next().get();
    }
    String since =
        URLEncoder.encode(request.since().orElseThrow().toString(), StandardCharsets.UTF_8);
    String first =
        switch (pagination) {
          case PAGE_NUMBER -> "&page=1";
          case OFFSET -> "&offset=0";
          default -> "";
        };
    return URI.create(activitiesUrl + "?since=" + since + "&limit=" + pageSize + first);
  }

  private static long parameter(URI uri, String name, long fallback) {
    for (String pair : uri.getRawQuery().split("&")) {
      if (pair.startsWith(name + "=")) {
        return Long.parseLong(pair.substring(name.length() + 1));
      }
    }
    return fallback;
  }

  /**
   * {@code uri} with query parameter {@code name} set to {@code value}, as an absolute URL string.
   */
  private static String withParameter(URI uri, String name, String value) {
    StringBuilder query = new StringBuilder();
    boolean replaced = false;
    for (String pair : uri.getRawQuery().split("&")) {
      if (pair.startsWith(name + "=")) {
        pair = name + "=" + value;
        replaced = true;
      }
      query.append(query.length() == 0 ? "" : "&").append(pair);
    }
    if (!replaced) {
      query.append('&').append(name).append('=').append(value);
    }
    return uri.getScheme() + "://" + uri.getRawAuthority() + uri.getRawPath() + "?" + query;
  }

  private static ApiFailure failureFor(int status, HttpResponse<?> response, PageRequest request) {
    String what = "HTTP " + status + " on " + request;
    if (status == 429) {
      Optional<Duration> retryAfter =
          response.headers().firstValue("Retry-After").flatMap(ActivityApiClient::seconds);
      return new ApiFailure(ApiFailure.Kind.RATE_LIMITED, what, retryAfter, null);
    }
    if (status == 401 || status == 403) {
      return new ApiFailure(
          ApiFailure.Kind.UNAUTHORIZED, what + " (API key rejected)", Optional.empty(), null);
    }
    if (status >= 500 || status == 408) {
      return new ApiFailure(ApiFailure.Kind.TRANSIENT, what, Optional.empty(), null);
    }
    return new ApiFailure(ApiFailure.Kind.REJECTED, what, Optional.empty(), null);
  }

  private static Optional<Duration> seconds(String value) {
    try {
      return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(value.trim()))));
    } catch (NumberFormatException e) {
      return Optional.empty(); // an HTTP-date; the caller's own backoff applies
    }
  }

  private static void expect(JsonToken actual, JsonToken expected) throws IOException {
    if (actual != expected) {
      throw new JsonProcessingException("expected " + expected + " but found " + actual) {};
    }
  }
}
