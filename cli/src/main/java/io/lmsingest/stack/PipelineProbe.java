package io.lmsingest.stack;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lmsingest.kit.kafka.GroupLag;
import io.lmsingest.localstack.StackLayout;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;

/**
 * Where a running pipeline stands, read from outside the services: a group's lag on its input
 * topic, a topic's size, a service's /metrics, the simulator's count of served changes. Every probe
 * answers -1 (or nothing) while what it asks is not there yet, never throws for that.
 */
public final class PipelineProbe {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private PipelineProbe() {}

  /**
   * Records between a group's committed offsets and the end of its input topic (-1 while unknown).
   */
  public static long lag(Admin admin, String group, String topic) {
    try {
      return GroupLag.of(admin, group, topic).orElse(-1);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /**
   * Memory DuckDB may hold for the launcher's own queries of the warehouse (the demo's ground-truth
   * check, the benchmarks' freshness): they run in the launcher's JVM beside the stack, and
   * DuckDB's default is 80 % of the machine's RAM. The check's full join of a 5M day peaked the
   * launcher at 1.5 GB without it; past the limit the join spills to {@code warehouse.duckdb.tmp}.
   */
  public static final String CHECK_MEMORY_LIMIT = "256MB";

  /**
   * A connection to the stack's warehouse whose DuckDB holds at most {@link #CHECK_MEMORY_LIMIT}.
   */
  public static Connection warehouse(StackLayout layout) throws SQLException {
    return warehouse(layout.warehouse(), false);
  }

  /**
   * A connection to the DuckDB file {@code database}, under {@link #CHECK_MEMORY_LIMIT}: the
   * launcher's {@code sql} and {@code status} as well as its checks.
   */
  public static Connection warehouse(Path database, boolean readOnly) throws SQLException {
    Properties settings = new Properties();
    settings.setProperty("memory_limit", CHECK_MEMORY_LIMIT);
    if (readOnly) {
      settings.setProperty("duckdb.read_only", "true");
    }
    return DriverManager.getConnection("jdbc:duckdb:" + database.toAbsolutePath(), settings);
  }

  /**
   * Records ever written to {@code topic} (the sum of its end offsets; 0 when it does not exist).
   */
  public static long size(Admin admin, String topic) {
    try {
      return GroupLag.endOffsets(admin, topic).values().stream().mapToLong(Long::longValue).sum();
    } catch (ExecutionException e) {
      return 0;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 0;
    }
  }

  /** A service's metrics (name with labels → value); empty while it starts or stops. */
  public static Map<String, Double> metrics(int port) {
    Map<String, Double> values = new HashMap<>();
    if (port < 0) {
      return values;
    }
    try {
      String text = get(port, "/metrics").body();
      for (String line : text.split("\n")) {
        String[] parts = line.split(" ");
        if (parts.length == 2 && !line.startsWith("#")) {
          values.put(parts[0], Double.parseDouble(parts[1]));
        }
      }
    } catch (IOException | NumberFormatException e) {
      // the service is starting or stopping: no numbers this round
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return values;
  }

  /** {@code GET path} on a service's own endpoint (/metrics, /health, /ready). */
  public static HttpResponse<String> get(int port, String path)
      throws IOException, InterruptedException {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(5))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Changes the local stack's simulator has served so far (-1 while it does not answer). */
  public static long served(LocalStack stack, StackLayout layout) {
    return simulatorStats(stack, layout).getOrDefault("served_records", -1L);
  }

  /**
   * The simulator's counters (served_records, requests, fault_* …); empty while it does not answer.
   */
  public static Map<String, Long> simulatorStats(LocalStack stack, StackLayout layout) {
    Map<String, Long> counters = new TreeMap<>();
    try {
      HttpResponse<String> stats =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(stack.simulatorUrl() + "/v1/stats"))
                  .header("X-Api-Key", layout.secret("lms-api-key", 24))
                  .timeout(Duration.ofSeconds(5))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      JSON.readTree(stats.body())
          .fields()
          .forEachRemaining(
              e -> {
                if (e.getValue().isIntegralNumber()) {
                  counters.put(e.getKey(), e.getValue().asLong());
                }
              });
    } catch (IOException e) {
      // the simulator is busy or restarting: no numbers this round
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return counters;
  }

  /**
   * Asks the local stack's simulator to write its ground truth (the latest version of everything
   * served).
   */
  public static void writeGroundTruth(LocalStack stack, StackLayout layout)
      throws IOException, InterruptedException {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(stack.simulatorUrl() + "/v1/admin/ground-truth"))
                .header("X-Api-Key", layout.secret("lms-api-key", 24))
                .POST(HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() / 100 != 2) {
      throw new IOException(
          "the simulator did not write its ground truth: HTTP "
              + response.statusCode()
              + " "
              + response.body());
    }
  }
}
