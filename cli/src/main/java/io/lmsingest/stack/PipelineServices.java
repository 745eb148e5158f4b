package io.lmsingest.stack;

import io.lmsingest.kit.config.ServiceConfigFile;
import io.lmsingest.loader.LoaderApp;
import io.lmsingest.localstack.Ports;
import io.lmsingest.localstack.ServiceProcess;
import io.lmsingest.localstack.StackLayout;
import io.lmsingest.poller.PollerMain;
import io.lmsingest.schemas.ConsumerGroups;
import io.lmsingest.schemas.Topics;
import io.lmsingest.sink.SinkApp;
import io.lmsingest.validator.ValidatorApp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The four pipeline services of the embedded default — poller, validator, sink, loader — each its
 * own process, configured from the local stack's endpoints (secrets by file reference, never by
 * value).
 */
public final class PipelineServices {
  public static final List<String> SERVICES = List.of("poller", "validator", "sink", "loader");

  /** Each service's own main class (the same a container image would run). */
  static final Map<String, Class<?>> MAIN_CLASSES =
      Map.of(
          "poller",
          PollerMain.class,
          "validator",
          ValidatorApp.class,
          "sink",
          SinkApp.class,
          "loader",
          LoaderApp.class);

  public static final Map<String, String> GROUPS =
      Map.of(
          "validator",
          ConsumerGroups.VALIDATOR,
          "sink",
          ConsumerGroups.SINK,
          "loader",
          ConsumerGroups.LOADER);
  public static final Map<String, String> INPUTS =
      Map.of("validator", Topics.RAW, "sink", Topics.V1, "loader", Topics.MANIFESTS);

  private final LocalStack stack;
  private final StackLayout layout;
  private final Map<String, Integer> metricsPorts = new LinkedHashMap<>();

  public PipelineServices(LocalStack stack, StackLayout layout) {
    this.stack = stack;
    this.layout = layout;
  }

  public Optional<ServiceProcess> running(String service) {
    return ServiceProcess.running(service, layout.pidFile(service), layout.logFile(service));
  }

  /**
   * The port of the service's /metrics, /health and /ready (-1 while it has none), from its config
   * file.
   */
  public int metricsPort(String service) {
    Integer known = metricsPorts.get(service);
    if (known != null) {
      return known;
    }
    Path config = layout.run().resolve(service + ".properties");
    try {
      return Files.exists(config)
          ? Integer.parseInt(ServiceConfigFile.read(config).getOrDefault("metrics.port", "-1"))
          : -1;
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
  }

  public ServiceProcess start(String service) throws IOException {
    Optional<ServiceProcess> existing = running(service);
    if (existing.isPresent()) {
      return existing.get();
    }
    Path config = writeConfig(service);
    return ServiceProcess.start(
        service,
        ServiceProcess.javaCommand(
            stack.jvm(service), MAIN_CLASSES.get(service).getName(), List.of(config.toString())),
        Map.of(),
        layout.logFile(service),
        layout.pidFile(service));
  }

  public void stop(String service) throws IOException {
    Optional<ServiceProcess> process = running(service);
    if (process.isPresent()) {
      process.get().stop(Duration.ofSeconds(30));
    }
  }

  public void stopAll() throws IOException {
    for (String service : SERVICES) {
      stop(service);
    }
  }

  private Path writeConfig(String service) throws IOException {
    int metrics = Ports.free();
    Map<String, String> values = new LinkedHashMap<>();
    values.put("bootstrap.servers", stack.kafka().bootstrapServers());
    values.put("schema.registry.url", stack.registry().confluentApiUrl());
    String s3Id = "file:" + layout.secretFile("s3-access-key-id");
    String s3Secret = "file:" + layout.secretFile("s3-secret-access-key");
    switch (service) {
      case "poller" -> {
        values.put("lms.api.url", stack.simulatorUrl() + "/v1/activities");
        values.put("lms.api.key", "file:" + layout.secretFile("lms-api-key"));
        // The client-side limit spares a shared LMS; the local simulator is ours alone.
        values.put("lms.api.rate.limit.per.second", "200");
        values.put("metrics.port", Integer.toString(metrics));
      }
      case "validator" -> {
        values.put("state.dir", layout.root().resolve("validator-state").toString());
        values.put("metrics.port", Integer.toString(metrics));
      }
      case "sink" -> {
        values.put("s3.bucket", StackLayout.BUCKET);
        values.put("s3.endpoint", stack.s3().uri().toString());
        values.put("s3.path.style", "true");
        values.put("s3.access.key.id", s3Id);
        values.put("s3.secret.access.key", s3Secret);
        values.put("staging.dir", layout.root().resolve("sink-staging").toString());
        values.put(
            "rotation.max.age.ms",
            "5000"); // demo freshness: a Bronze file at least every 5 s per partition
        values.put("metrics.port", Integer.toString(metrics));
        values.put("kafka.group.instance.id", "demo-sink-1");
      }
      case "loader" -> {
        values.put("duckdb.path", layout.warehouse().toString());
        values.put("s3.bucket", StackLayout.BUCKET);
        values.put("s3.endpoint", stack.s3().uri().toString());
        values.put("s3.path.style", "true");
        values.put("s3.access.key.id", s3Id);
        values.put("s3.secret.access.key", s3Secret);
        values.put("staging.dir", layout.root().resolve("loader-staging").toString());
        values.put("metrics.port", Integer.toString(metrics));
        values.put("kafka.group.instance.id", "demo-loader-1");
      }
      default -> throw new IllegalArgumentException(service);
    }
    values.putAll(stack.serviceOverrides(service));
    if (values.containsKey("metrics.port")) {
      metricsPorts.put(service, Integer.parseInt(values.get("metrics.port")));
    }
    Files.createDirectories(layout.run());
    Path file = layout.run().resolve(service + ".properties");
    Files.writeString(
        file,
        "# written by ./lms-ingest demo; secrets are file references\n"
            + values.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining("\n"))
            + "\n");
    return file;
  }
}
