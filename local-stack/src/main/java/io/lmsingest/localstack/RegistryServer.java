package io.lmsingest.localstack;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Apicurio Registry 2.4 (Confluent-compatible API at {@code /apis/ccompat/v7}) in its own JVM, from
 * the registry-server module's Quarkus app. With a data directory its H2 storage is a file, so
 * schema ids — which live inside every Kafka record — survive a restart.
 */
public final class RegistryServer {
  public static final String NAME = "registry";

  /** System property naming the built app; set by the build for tests and by the launcher. */
  public static final String APP_PROPERTY = "lms.registry.app";

  private final Path home;
  private final int port;
  private final boolean persistent;

  /**
   * @param home where its log and pid go (and its database when {@code persistent})
   * @param persistent keep schemas in {@code home/registry_db} across restarts; otherwise in memory
   */
  public RegistryServer(Path home, int port, boolean persistent) {
    this.home = home;
    this.port = port;
    this.persistent = persistent;
  }

  /** Base URL of the Confluent-compatible API, as given to {@code schema.registry.url}. */
  public String confluentApiUrl() {
    return "http://127.0.0.1:" + port + "/apis/ccompat/v7";
  }

  public Path pidFile() {
    return home.resolve("registry.pid");
  }

  public Path logFile() {
    return home.resolve("registry.log");
  }

  public Optional<ServiceProcess> running() {
    return ServiceProcess.running(NAME, pidFile(), logFile());
  }

  public ServiceProcess start(Duration timeout) throws IOException {
    return start(timeout, List.of());
  }

  /** As {@link #start(Duration)}, its JVM given {@code extraJvmOptions} as well. */
  public ServiceProcess start(Duration timeout, List<String> extraJvmOptions) throws IOException {
    Path app = appJar();
    Files.createDirectories(home);
    Map<String, String> env =
        persistent
            ? Map.of(
                "REGISTRY_DATASOURCE_URL",
                "jdbc:h2:file:" + home.toAbsolutePath().resolve("registry_db"))
            : Map.of();
    List<String> command = new ArrayList<>();
    command.add(ServiceProcess.javaLauncher().toString());
    command.addAll(extraJvmOptions);
    command.addAll(
        List.of(
            "-Xmx256m",
            "-XX:+UseSerialGC",
            // Idle once it has answered a few schema lookups: C2 would compile start-up code only.
            ServiceProcess.QUICK_JIT,
            "-Dquarkus.http.port=" + port,
            "-Dquarkus.http.host=127.0.0.1",
            "-Dquarkus.log.level=WARN",
            "-jar",
            app.toString()));
    ServiceProcess process = ServiceProcess.start(NAME, command, env, logFile(), pidFile());
    process.awaitReady(this::ready, timeout);
    return process;
  }

  /** True once {@code /health/ready} answers 200. */
  public boolean ready() {
    if (!Ports.listening(port)) {
      return false;
    }
    try {
      HttpResponse<Void> response =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready"))
                      .timeout(Duration.ofSeconds(2))
                      .build(),
                  HttpResponse.BodyHandlers.discarding());
      return response.statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** The registry app built by the registry-server module. */
  public static Path appJar() throws IOException {
    String configured = System.getProperty(APP_PROPERTY);
    if (configured == null || configured.isBlank()) {
      throw new IOException(
          "system property "
              + APP_PROPERTY
              + " is not set; it names registry-server/target/registry-server-runner.jar"
              + " (the build and ./lms-ingest set it)");
    }
    Path app = Path.of(configured);
    if (!Files.isRegularFile(app)) {
      throw new IOException(
          "registry app "
              + app
              + " is missing: build it with 'mvn -f registry-server/pom.xml package'"
              + " (./lms-ingest and the full build do this)");
    }
    return app;
  }
}
