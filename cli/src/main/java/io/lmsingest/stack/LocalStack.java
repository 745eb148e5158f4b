package io.lmsingest.stack;

import io.lmsingest.kit.runtime.ProcessWorkDir;
import io.lmsingest.localstack.ClassDataArchives;
import io.lmsingest.localstack.KafkaBroker;
import io.lmsingest.localstack.LocalS3ServerMain;
import io.lmsingest.localstack.Ports;
import io.lmsingest.localstack.RegistryServer;
import io.lmsingest.localstack.S3Endpoint;
import io.lmsingest.localstack.ServiceProcess;
import io.lmsingest.localstack.StackLayout;
import io.lmsingest.simulator.SimulatorMain;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;

/**
 * The embedded default infrastructure — Kafka broker, schema registry, S3 server, LMS simulator —
 * each its own process under one data directory, started and stopped as a unit.
 */
public final class LocalStack {
  public static final List<String> SERVICES = List.of("kafka", "registry", "s3", "simulator");
  private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
  private static final Duration STOP_GRACE = Duration.ofSeconds(20);

  private final StackLayout layout;
  private final Properties settings;
  private final ClassDataArchives archives;

  public LocalStack(StackLayout layout, Properties settings) {
    this.layout = layout;
    this.settings = settings;
    this.archives = ClassDataArchives.forThisRuntime(System.getenv());
  }

  /**
   * Keys of a pipeline service's config set in DIR/stack.properties as {@code
   * <service>.config.<key>=<value>} (e.g. {@code poller.config.lms.api.timeout.ms=5000}): they
   * override what the stack writes for that service.
   */
  public Map<String, String> serviceOverrides(String service) {
    String prefix = service + ".config.";
    Map<String, String> overrides = new TreeMap<>();
    for (String key : settings.stringPropertyNames()) {
      if (key.startsWith(prefix) && key.length() > prefix.length()) {
        overrides.put(key.substring(prefix.length()), settings.getProperty(key));
      }
    }
    return overrides;
  }

  public int port(String service) {
    return Integer.parseInt(settings.getProperty(service + ".port"));
  }

  public KafkaBroker kafka() {
    return new KafkaBroker(layout.kafkaHome(), port("kafka"), port("kafka.controller"));
  }

  public RegistryServer registry() {
    return new RegistryServer(layout.registryHome(), port("registry"), true);
  }

  public S3Endpoint s3() throws IOException {
    return new S3Endpoint(
        URI.create("http://127.0.0.1:" + port("s3")),
        "us-east-1",
        layout.secret("s3-access-key-id", 8),
        layout.secret("s3-secret-access-key", 20));
  }

  public String simulatorUrl() {
    return "http://127.0.0.1:" + port("simulator");
  }

  public Optional<ServiceProcess> running(String service) {
    return switch (service) {
      case "kafka" -> kafka().running();
      case "registry" -> registry().running();
      default -> ServiceProcess.running(service, layout.pidFile(service), layout.logFile(service));
    };
  }

  /** Starts whatever is not running yet. */
  public void up(PrintWriter out) throws IOException {
    up(out, SERVICES);
  }

  /**
   * Starts the given services that are not running yet, all at once: none needs another to start,
   * and one after the other they took ~14 s of the demo's start-up. Every port is checked first, so
   * a taken port fails before anything starts.
   */
  public void up(PrintWriter out, List<String> services) throws IOException {
    List<String> toStart = new ArrayList<>();
    for (String service : SERVICES.stream().filter(services::contains).toList()) {
      Optional<ServiceProcess> existing = running(service);
      if (existing.isPresent()) {
        out.printf("%-10s already running (pid %d)%n", service, existing.get().pid());
      } else {
        requireFreePort(service);
        toStart.add(service);
      }
    }
    ExecutorService starter = Executors.newFixedThreadPool(Math.max(1, toStart.size()));
    try {
      Map<String, Future<ServiceProcess>> starting = new LinkedHashMap<>();
      for (String service : toStart) {
        out.printf("%-10s starting...%n", service);
        starting.put(service, starter.submit(() -> start(service)));
      }
      out.flush();
      IOException failure = null;
      for (Map.Entry<String, Future<ServiceProcess>> started : starting.entrySet()) {
        try {
          out.printf("%-10s up (pid %d)%n", started.getKey(), started.getValue().get().pid());
          out.flush();
        } catch (ExecutionException e) {
          IOException cause =
              e.getCause() instanceof IOException io
                  ? io
                  : new IOException(started.getKey() + " failed to start", e.getCause());
          if (failure == null) {
            failure = cause;
          } else {
            failure.addSuppressed(cause);
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted while starting the local stack", e);
        }
      }
      if (failure != null) {
        throw failure;
      }
    } finally {
      starter.shutdownNow();
    }
    writeEndpoints();
  }

  private ServiceProcess start(String service) throws IOException {
    return switch (service) {
      case "kafka" -> startKafka();
      case "registry" ->
          registry()
              .start(
                  START_TIMEOUT,
                  ClassDataArchives.forJar(RegistryServer.appJar(), System.getenv())
                      .options(RegistryServer.NAME));
      case "s3" -> startS3();
      case "simulator" -> startSimulator();
      default -> throw new IllegalStateException(service);
    };
  }

  /** Stops every running service, last started first. Returns how many were stopped. */
  public int down(PrintWriter out) throws IOException {
    int stopped = 0;
    List<String> reverse = new ArrayList<>(SERVICES);
    Collections.reverse(reverse);
    for (String service : reverse) {
      Optional<ServiceProcess> process = running(service);
      if (process.isEmpty()) {
        continue;
      }
      out.printf("%-10s stopping (pid %d)...%n", service, process.get().pid());
      out.flush();
      process.get().stop(STOP_GRACE);
      stopped++;
    }
    return stopped;
  }

  public void printEndpoints(PrintWriter out) throws IOException {
    S3Endpoint s3 = s3();
    out.printf("%-10s %-44s %s%n", "kafka", kafka().bootstrapServers(), state("kafka"));
    out.printf("%-10s %-44s %s%n", "registry", registry().confluentApiUrl(), state("registry"));
    out.printf("%-10s %-44s %s%n", "s3", s3.uri() + " bucket " + StackLayout.BUCKET, state("s3"));
    out.printf(
        "%-10s %-44s %s%n", "simulator", simulatorUrl() + "/v1/activities", state("simulator"));
    out.printf("%-10s %s%n", "warehouse", layout.warehouse());
    out.printf("%-10s %s (S3 keys, LMS API key; never printed)%n", "secrets", layout.secrets());
    out.printf(
        "%-10s %s%n",
        "logs",
        layout.logs()
            + ", "
            + layout.kafkaHome()
            + "/kafka.log, "
            + layout.registryHome()
            + "/registry.log");
  }

  private String state(String service) {
    return running(service).map(p -> "running (pid " + p.pid() + ")").orElse("stopped");
  }

  private void requireFreePort(String service) throws IOException {
    List<String> keys =
        service.equals("kafka") ? List.of("kafka", "kafka.controller") : List.of(service);
    for (String key : keys) {
      if (Ports.listening(port(key))) {
        throw new IOException(
            "port "
                + port(key)
                + " ("
                + key
                + ") is already in use by another process; stop it, or choose another port with"
                + " 'infra up --"
                + key.replace('.', '-')
                + "-port N' on a new --data-dir");
      }
    }
  }

  private ServiceProcess startKafka() throws IOException {
    Files.createDirectories(layout.kafkaHome());
    return kafka().start(START_TIMEOUT, archives.options(KafkaBroker.NAME));
  }

  private ServiceProcess startS3() throws IOException {
    S3Endpoint endpoint = s3();
    ServiceProcess process =
        ServiceProcess.start(
            "s3",
            ServiceProcess.javaCommand(
                jvm("s3"),
                LocalS3ServerMain.class.getName(),
                List.of(layout.root().toString(), Integer.toString(port("s3")))),
            Map.of(),
            layout.logFile("s3"),
            layout.pidFile("s3"));
    process.awaitReady(() -> Ports.listening(port("s3")), START_TIMEOUT);
    try (S3Client client = endpoint.newClient()) {
      client.createBucket(b -> b.bucket(StackLayout.BUCKET));
    } catch (BucketAlreadyOwnedByYouException e) {
      // kept from an earlier run: that is the point of the data directory
    }
    return process;
  }

  private ServiceProcess startSimulator() throws IOException {
    layout.secret("lms-api-key", 24);
    List<String> args =
        new ArrayList<>(
            List.of(
                "--port", Integer.toString(port("simulator")),
                "--seed", settings.getProperty("simulator.seed"),
                "--rate", settings.getProperty("simulator.rate"),
                "--start", settings.getProperty("simulator.start"),
                "--api-key-file", layout.secretFile("lms-api-key").toString(),
                "--ground-truth", layout.groundTruth().toString()));
    if (settings.containsKey("simulator.records")) {
      args.add("--records");
      args.add(settings.getProperty("simulator.records"));
    }
    // Fault shares for chaos runs, e.g. simulator.faults=--fault-5xx 0.05 --fault-429 0.02
    args.addAll(
        List.of(settings.getProperty("simulator.faults", "").split("\\s+")).stream()
            .filter(a -> !a.isEmpty())
            .toList());
    ServiceProcess process =
        ServiceProcess.start(
            "simulator",
            ServiceProcess.javaCommand(jvm("simulator"), SimulatorMain.class.getName(), args),
            Map.of(),
            layout.logFile("simulator"),
            layout.pidFile("simulator"));
    process.awaitReady(this::simulatorHealthy, START_TIMEOUT);
    return process;
  }

  private boolean simulatorHealthy() {
    try {
      return HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(simulatorUrl() + "/health"))
                      .timeout(Duration.ofSeconds(2))
                      .build(),
                  HttpResponse.BodyHandlers.discarding())
              .statusCode()
          == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * Services whose own Java work is small (the S3 server moves a few hundred objects; the loader's
   * work is DuckDB's native code): for them C2's compilations cost more CPU than they save, on a
   * box where every stage shares the same cores.
   */
  private static final Set<String> C1_ONLY = Set.of("s3", "loader");

  /** Environment variable: JVM options added to (and overriding) every service's defaults. */
  public static final String SERVICE_JAVA_OPTS = "LMS_SERVICE_JAVA_OPTS";

  /**
   * A service's JVM options, its {@link StackLayout#tmp} emptied for this start, its class-data
   * archive first (an operator's {@code -Xshare:off} in {@value #SERVICE_JAVA_OPTS} wins).
   */
  public List<String> jvm(String service) throws IOException {
    List<String> options = new ArrayList<>(archives.options(service));
    options.addAll(jvm(service, emptied(layout.tmp(service)), System.getenv(SERVICE_JAVA_OPTS)));
    return options;
  }

  /** {@code dir}, created or emptied: what a killed earlier process left there goes. */
  static Path emptied(Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      ProcessWorkDir.deleteTree(dir);
    }
    return Files.createDirectories(dir);
  }

  /**
   * A service's JVM options; {@code extra} (whitespace-separated, may be null) comes last, so an
   * operator's {@code -Xmx} or a profiler's {@code -XX:StartFlightRecording} wins. {@code
   * {service}} in it becomes the service's name (one recording file per service).
   */
  static List<String> jvm(String service, Path tmp, String extra) {
    List<String> options =
        new ArrayList<>(
            List.of(
                // The loader's data lives in DuckDB's native memory (duckdb.memory.limit), not the
                // heap: its heap peaked at ~72 MB at 20M changes, and every MB of -Xmx it does not
                // need counts against its 512 MB (heap + DuckDB + JVM).
                service.equals("loader") ? "-Xmx96m" : "-Xmx256m",
                "-XX:+UseSerialGC",
                "-Dlms.log.format=json",
                "-Dlms.service=" + service,
                "-Djava.io.tmpdir=" + tmp,
                "-D"
                    + RegistryServer.APP_PROPERTY
                    + "="
                    + System.getProperty(RegistryServer.APP_PROPERTY, "")));
    if (C1_ONLY.contains(service)) {
      options.add(ServiceProcess.QUICK_JIT);
    }
    if (extra != null && !extra.isBlank()) {
      for (String option : extra.trim().split("\\s+")) {
        options.add(option.replace("{service}", service));
      }
    }
    return List.copyOf(options);
  }

  private void writeEndpoints() throws IOException {
    Properties endpoints = new Properties();
    endpoints.setProperty("bootstrap.servers", kafka().bootstrapServers());
    endpoints.setProperty("schema.registry.url", registry().confluentApiUrl());
    endpoints.setProperty("s3.endpoint", s3().uri().toString());
    endpoints.setProperty("s3.bucket", StackLayout.BUCKET);
    endpoints.setProperty(
        "s3.access-key-id.file", layout.secretFile("s3-access-key-id").toString());
    endpoints.setProperty(
        "s3.secret-access-key.file", layout.secretFile("s3-secret-access-key").toString());
    endpoints.setProperty("lms.api.url", simulatorUrl());
    endpoints.setProperty("lms.api.key.file", layout.secretFile("lms-api-key").toString());
    endpoints.setProperty("warehouse.duckdb", layout.warehouse().toString());
    Files.createDirectories(layout.run());
    try (var writer = Files.newBufferedWriter(layout.run().resolve("endpoints.properties"))) {
      endpoints.store(
          writer,
          "lms-ingest local stack endpoints (secrets are named by file, never stored here)");
    }
  }
}
