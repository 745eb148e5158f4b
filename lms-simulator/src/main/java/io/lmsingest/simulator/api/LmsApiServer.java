package io.lmsingest.simulator.api;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.lmsingest.simulator.timeline.ActivityTimeline;
import io.lmsingest.simulator.truth.GroundTruth;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The simulated LMS activity API over real HTTP. {@code GET /v1/activities} serves every change
 * with {@code updated_at} at or after {@code since}, ordered by (updated_at, activity_id), in pages
 * of at most {@code max-page-size}, each streamed as it is computed. See docs/lms-api.md.
 */
public final class LmsApiServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LmsApiServer.class);
  private static final JsonFactory JSON = new JsonFactory();
  public static final String API_KEY_HEADER = "X-Api-Key";

  private final ActivityTimeline timeline;
  private final int maxPageSize;
  private final byte[] apiKey;
  private final Faults faults;
  private final Clock clock;
  private final HttpServer server;
  private final ExecutorService executor;
  private final SplittableRandom random;
  private final AtomicLong servedSlots = new AtomicLong();
  // Late changes skipped by a complete page and not served since: the ground truth stops before
  // the first of them.
  private final ConcurrentSkipListSet<Long> lateNotServed = new ConcurrentSkipListSet<>();
  private final long lateSeed;
  private final Map<String, AtomicLong> counters = new ConcurrentHashMap<>();
  private volatile Optional<Path> groundTruthTarget = Optional.empty();

  private LmsApiServer(
      ActivityTimeline timeline,
      int maxPageSize,
      String apiKey,
      Faults faults,
      Clock clock,
      HttpServer server) {
    this.timeline = timeline;
    this.maxPageSize = maxPageSize;
    this.apiKey = apiKey.getBytes(StandardCharsets.UTF_8);
    this.faults = faults;
    this.clock = clock;
    this.server = server;
    this.random = new SplittableRandom(timeline.settings().seed() ^ 0x5EED_FA17L);
    this.lateSeed = timeline.settings().seed() ^ 0x1A7E_1A7EL;
    this.executor =
        Executors.newFixedThreadPool(
            4,
            r -> {
              Thread t = new Thread(r, "lms-api");
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(executor);
    server.createContext("/v1/activities", this::activities);
    server.createContext("/v1/stats", this::stats);
    server.createContext("/v1/admin/ground-truth", this::groundTruth);
    server.createContext("/health", exchange -> respond(exchange, 200, "{\"status\":\"UP\"}"));
  }

  /**
   * Starts the API on 127.0.0.1:{@code port} (0 = any free port).
   *
   * @param apiKey the key clients must send in {@value #API_KEY_HEADER}; never logged
   */
  public static LmsApiServer start(
      ActivityTimeline timeline,
      int port,
      int maxPageSize,
      String apiKey,
      Faults faults,
      Clock clock)
      throws IOException {
    return start(timeline, "127.0.0.1", port, maxPageSize, apiKey, faults, clock);
  }

  /** As above, listening on {@code host} (e.g. 0.0.0.0 inside a container). */
  public static LmsApiServer start(
      ActivityTimeline timeline,
      String host,
      int port,
      int maxPageSize,
      String apiKey,
      Faults faults,
      Clock clock)
      throws IOException {
    if (maxPageSize < 1) {
      throw new IllegalArgumentException("max-page-size must be >= 1, got " + maxPageSize);
    }
    if (apiKey == null || apiKey.length() < 8) {
      throw new IllegalArgumentException("the API key must have at least 8 characters");
    }
    HttpServer http = HttpServer.create(new InetSocketAddress(host, port), 64);
    LmsApiServer api = new LmsApiServer(timeline, maxPageSize, apiKey, faults, clock, http);
    http.start();
    LOG.info(
        "LMS simulator listening on {} (seed={}, rate/day={}, faults={})",
        api.baseUrl(),
        timeline.settings().seed(),
        timeline.settings().ratePerDay(),
        faults.any() ? faults : "none");
    return api;
  }

  public String baseUrl() {
    String host =
        server.getAddress().getAddress().isAnyLocalAddress()
            ? "127.0.0.1"
            : server.getAddress().getHostString();
    return "http://" + host + ":" + server.getAddress().getPort();
  }

  public ActivityTimeline timeline() {
    return timeline;
  }

  /**
   * Number of slots (from slot 0) that complete responses have covered: the ground truth is the
   * latest version of every activity among them.
   */
  public long servedSlots() {
    long served = servedSlots.get();
    Long firstLate = lateNotServed.isEmpty() ? null : lateNotServed.first();
    return firstLate == null ? served : Math.min(served, firstLate);
  }

  /** Whether the change at {@code slot} is a delete this API serves as a minimal payload. */
  public boolean minimalDelete(long slot) {
    return faults.minimalDeletes() > 0
        && timeline.changeAt(slot).kind() == ActivityTimeline.Change.Kind.DELETE
        && new SplittableRandom(slot * 0xC2B2AE3D27D4EB4FL ^ lateSeed).nextDouble()
            < faults.minimalDeletes();
  }

  /**
   * Whether the change at {@code slot} is served with a value no activity can hold (the poller's
   * DLQ must hold it, and the ground truth leaves it out).
   */
  public boolean unparsable(long slot) {
    return faults.unparsable() > 0
        && new SplittableRandom(slot * 0xD6E8FEB86659FD93L ^ lateSeed).nextDouble()
            < faults.unparsable();
  }

  /** How long after its updated_at change {@code slot} becomes visible (0 for most). */
  private long lateDelay(long slot) {
    SplittableRandom r = new SplittableRandom(slot * 0x9E3779B97F4A7C15L ^ lateSeed);
    return r.nextDouble() < faults.late() ? 1 + r.nextInt(faults.lateMillis()) : 0;
  }

  /** Slots visible now (their time has come). */
  public long visibleSlots() {
    return timeline.slotsUpTo(clock.millis());
  }

  public long count(String counter) {
    AtomicLong value = counters.get(counter);
    return value == null ? 0 : value.get();
  }

  private void activities(HttpExchange exchange) throws IOException {
    try (exchange) {
      increment("requests");
      if (!"GET".equals(exchange.getRequestMethod())) {
        error(exchange, 405, "method_not_allowed", "use GET");
        return;
      }
      if (!authorized(exchange)) {
        increment("unauthorized");
        error(exchange, 401, "unauthorized", "missing or wrong " + API_KEY_HEADER + " header");
        return;
      }
      Map<String, String> query = query(exchange);
      long first;
      int limit;
      boolean viaCursor = query.containsKey("cursor");
      try {
        limit = query.containsKey("limit") ? Integer.parseInt(query.get("limit")) : maxPageSize;
        if (limit < 1) {
          throw new IllegalArgumentException("limit must be >= 1");
        }
        limit = Math.min(limit, maxPageSize);
        if (viaCursor) {
          first = PageCursor.decode(query.get("cursor")).nextSlot();
        } else if (query.containsKey("since")) {
          first = timeline.firstSlotAtOrAfter(Instant.parse(query.get("since")).toEpochMilli());
        } else {
          first = 0;
        }
        // Offset and page-number paging, as many LMS APIs offer, relative to since.
        if (!viaCursor && query.containsKey("offset")) {
          long offset = Long.parseLong(query.get("offset"));
          if (offset < 0) {
            throw new IllegalArgumentException("offset must be >= 0");
          }
          first += offset;
        } else if (!viaCursor && query.containsKey("page")) {
          long page = Long.parseLong(query.get("page"));
          if (page < 1) {
            throw new IllegalArgumentException("page must be >= 1");
          }
          first += (page - 1) * limit;
        }
      } catch (DateTimeParseException e) {
        error(
            exchange,
            400,
            "bad_request",
            "since must be an ISO-8601 instant such as 2026-11-20T00:00:00Z");
        return;
      } catch (IllegalArgumentException e) {
        error(exchange, 400, "bad_request", e.getMessage());
        return;
      }

      double roll;
      synchronized (random) {
        roll = random.nextDouble();
      }
      if (roll < faults.tooManyRequests()) {
        increment("fault_429");
        exchange
            .getResponseHeaders()
            .set("Retry-After", Integer.toString(faults.retryAfterSeconds()));
        error(
            exchange,
            429,
            "rate_limited",
            "too many requests; retry after " + faults.retryAfterSeconds() + " s");
        return;
      }
      roll -= faults.tooManyRequests();
      if (roll < faults.serverError()) {
        increment("fault_5xx");
        error(
            exchange,
            roll < faults.serverError() / 2 ? 500 : 503,
            "unavailable",
            "simulated server error");
        return;
      }
      roll -= faults.serverError();
      boolean truncate = roll < faults.truncated();
      double second;
      synchronized (random) {
        second = random.nextDouble();
      }
      if (second < faults.slow()) {
        increment("fault_slow");
        sleep(faults.slowMillis());
      }
      if (viaCursor && first > 0 && second < faults.repeatBoundary()) {
        increment("fault_repeat_boundary");
        first--; // the previous page's last record, once more
      }

      long now = clock.millis();
      long visible = timeline.slotsUpTo(now);
      long[] slots; // the page's slots, in the order served
      long end;
      List<Long> hidden = List.of();
      if (faults.late() > 0) {
        // Late changes are skipped until their delay has passed; a later re-read finds them.
        long[] page = new long[limit];
        int n = 0;
        hidden = new ArrayList<>();
        long slot = first;
        for (; slot < visible && n < limit; slot++) {
          long time = timeline.timeOf(slot);
          if (now < time + faults.lateMillis() && now < time + lateDelay(slot)) {
            hidden.add(slot);
          } else {
            page[n++] = slot;
          }
        }
        slots = Arrays.copyOf(page, n);
        end = Math.max(slot, first);
        add("fault_late", hidden.size());
      } else {
        end = Math.max(Math.min(visible, first + limit), first);
        slots = LongStream.range(first, end).toArray();
      }
      double third = 1;
      double fourth = 1;
      if (faults.shuffled() > 0 || faults.stalled() > 0) {
        synchronized (random) {
          third = random.nextDouble();
          fourth = random.nextDouble();
        }
      }
      if (third < faults.shuffled() && slots.length > 1) {
        increment("fault_shuffled");
        SplittableRandom order = new SplittableRandom(first ^ timeline.settings().seed());
        for (int i = slots.length - 1; i > 0; i--) {
          int j = order.nextInt(i + 1);
          long t = slots[i];
          slots[i] = slots[j];
          slots[j] = t;
        }
      }
      long next = end;
      boolean hasMore = next < visible;
      String nextCursor = new PageCursor(next).encode();
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      if (hasMore) {
        exchange
            .getResponseHeaders()
            .set(
                "Link",
                "</v1/activities?cursor=" + nextCursor + "&limit=" + limit + ">; rel=\"next\"");
      }
      exchange.sendResponseHeaders(200, 0); // chunked: the page is streamed, never buffered whole
      OutputStream body = new BufferedOutputStream(exchange.getResponseBody(), 16 * 1024);
      JsonGenerator json = JSON.createGenerator(body, JsonEncoding.UTF8);
      json.writeStartObject();
      json.writeArrayFieldStart("data");
      int cutAt = truncate ? slots.length / 2 : Integer.MAX_VALUE;
      int stallAt = fourth < faults.stalled() ? slots.length / 2 : -1;
      for (int i = 0; i < slots.length; i++) {
        if (i == cutAt) {
          break;
        }
        if (i == stallAt) {
          increment("fault_stalled");
          json.flush();
          trickle(body, faults.stallMillis());
        }
        if (unparsable(slots[i])) {
          increment("fault_unparsable");
          ActivityJson.writeUnparsable(json, timeline.recordAt(slots[i]), slots[i]);
        } else if (minimalDelete(slots[i])) {
          ActivityJson.writeMinimalDelete(json, timeline.recordAt(slots[i]));
        } else {
          ActivityJson.write(json, timeline.recordAt(slots[i]));
        }
      }
      if (truncate) {
        increment("fault_truncated");
        json.flush();
        body.write("{\"activity_id\":\"act_".getBytes(StandardCharsets.US_ASCII));
        body.flush();
        return; // the body ends mid-record: the client sees malformed JSON
      }
      json.writeEndArray();
      json.writeBooleanField("has_more", hasMore);
      json.writeStringField("next_cursor", nextCursor);
      if (hasMore) {
        json.writeStringField("next", "/v1/activities?cursor=" + nextCursor + "&limit=" + limit);
      } else {
        json.writeNullField("next");
      }
      json.writeEndObject();
      // Counted before the body is closed: once the client has the whole page, servedSlots() and
      // the counters already include it (a test asked right after a read saw the old values).
      if (faults.late() > 0) {
        for (long slot : slots) {
          lateNotServed.remove(slot);
        }
        lateNotServed.addAll(hidden);
      }
      servedSlots.accumulateAndGet(end, Math::max);
      increment("pages");
      add("records", slots.length);
      json.close();
    } catch (IOException e) {
      // The client went away mid-page: nothing to answer (a page cut off before its end was not
      // counted; one lost in the final flush was, and the client reads it again).
      LOG.debug("response aborted: {}", e.toString());
    }
  }

  /**
   * A body that stops but never closes: a space (valid JSON whitespace) every 200 ms, so a client
   * that bounds only each read waits for ever; one that bounds the whole page gives up and hangs
   * up, which ends this with an IOException.
   */
  private static void trickle(OutputStream body, int millis) throws IOException {
    long end = System.nanoTime() + millis * 1_000_000L;
    while (System.nanoTime() < end) {
      if (Thread.currentThread().isInterrupted()) {
        throw new InterruptedIOException("simulator stopping");
      }
      body.write(' ');
      body.flush();
      sleep(200);
    }
  }

  private void stats(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!authorized(exchange)) {
        error(exchange, 401, "unauthorized", "missing or wrong " + API_KEY_HEADER + " header");
        return;
      }
      respond(exchange, 200, statsJson());
    }
  }

  /** What {@code GET /v1/stats} answers: served and visible changes and every counter, as JSON. */
  public String statsJson() {
    StringBuilder body = new StringBuilder("{");
    body.append("\"visible_records\":").append(visibleSlots());
    body.append(",\"served_records\":").append(servedSlots());
    body.append(",\"seed\":").append(timeline.settings().seed());
    for (Map.Entry<String, AtomicLong> e : new TreeMap<>(counters).entrySet()) {
      body.append(",\"").append(e.getKey()).append("\":").append(e.getValue().get());
    }
    return body.append('}').toString();
  }

  /**
   * Enables {@code POST /v1/admin/ground-truth}, which writes the ground truth of everything served
   * so far to {@code target} (fixed here, never taken from a request).
   */
  public LmsApiServer withGroundTruthTarget(Path target) {
    this.groundTruthTarget = Optional.of(target);
    return this;
  }

  private void groundTruth(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!authorized(exchange)) {
        error(exchange, 401, "unauthorized", "missing or wrong " + API_KEY_HEADER + " header");
        return;
      }
      if (!"POST".equals(exchange.getRequestMethod())) {
        error(exchange, 405, "method_not_allowed", "use POST");
        return;
      }
      if (groundTruthTarget.isEmpty()) {
        error(
            exchange, 404, "not_enabled", "this simulator was started without a ground-truth file");
        return;
      }
      GroundTruth.Summary summary =
          GroundTruth.write(
              timeline,
              servedSlots(),
              groundTruthTarget.get(),
              this::minimalDelete,
              this::unparsable);
      respond(
          exchange,
          200,
          "{\"changes\":"
              + summary.changes()
              + ",\"activities\":"
              + summary.activities()
              + ",\"deleted\":"
              + summary.deleted()
              + ",\"rejected\":"
              + summary.rejected()
              + ",\"file\":\""
              + summary.file().toString().replace("\"", "'")
              + "\"}");
    }
  }

  private boolean authorized(HttpExchange exchange) {
    String given = exchange.getRequestHeaders().getFirst(API_KEY_HEADER);
    return given != null && MessageDigest.isEqual(apiKey, given.getBytes(StandardCharsets.UTF_8));
  }

  private static Map<String, String> query(HttpExchange exchange) {
    Map<String, String> params = new HashMap<>();
    String raw = exchange.getRequestURI().getRawQuery();
    if (raw == null) {
      return params;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        params.put(
            URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return params;
  }

  private static void error(HttpExchange exchange, int status, String code, String message)
      throws IOException {
    respond(
        exchange,
        status,
        "{\"error\":\"" + code + "\",\"message\":\"" + message.replace("\"", "'") + "\"}");
  }

  private static void respond(HttpExchange exchange, int status, String json) throws IOException {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  private void increment(String counter) {
    add(counter, 1);
  }

  private void add(String counter, long delta) {
    counters.computeIfAbsent(counter, c -> new AtomicLong()).addAndGet(delta);
  }

  private static void sleep(int millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
