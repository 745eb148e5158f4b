package io.lmsingest.localstack;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Uuid;

/**
 * A single-node Apache Kafka broker in KRaft mode (broker + controller), run in its own JVM from
 * the Maven-resolved Kafka jars. Storage is formatted once; a restart keeps the data.
 */
public final class KafkaBroker {
  public static final String NAME = "kafka";
  private final Path home;
  private final int port;
  private final int controllerPort;

  public KafkaBroker(Path home, int port, int controllerPort) {
    this.home = home;
    this.port = port;
    this.controllerPort = controllerPort;
  }

  public String bootstrapServers() {
    return "127.0.0.1:" + port;
  }

  public Path pidFile() {
    return home.resolve("kafka.pid");
  }

  public Path logFile() {
    return home.resolve("kafka.log");
  }

  public Optional<ServiceProcess> running() {
    return ServiceProcess.running(NAME, pidFile(), logFile());
  }

  /** Formats the storage if needed, starts the broker and waits until it answers. */
  public ServiceProcess start(Duration timeout) throws IOException {
    return start(timeout, List.of());
  }

  /** As {@link #start(Duration)}, the broker's JVM given {@code extraJvmOptions} as well. */
  public ServiceProcess start(Duration timeout, List<String> extraJvmOptions) throws IOException {
    Path dataDir = home.resolve("data");
    Files.createDirectories(dataDir);
    Path properties = home.resolve("server.properties");
    Files.writeString(properties, serverProperties(dataDir), StandardCharsets.UTF_8);
    Path log4j = home.resolve("log4j2.properties");
    Files.writeString(log4j, LOG4J2, StandardCharsets.UTF_8);
    List<String> jvm =
        List.of("-Xmx512m", "-Xms128m", "-XX:+UseSerialGC", "-Dlog4j2.configurationFile=" + log4j);

    if (!Files.exists(dataDir.resolve("meta.properties"))) {
      String clusterId = Uuid.randomUuid().toString();
      Process format =
          new ProcessBuilder(
                  ServiceProcess.javaCommand(
                      jvm,
                      "kafka.tools.StorageTool",
                      List.of(
                          "format",
                          "-t",
                          clusterId,
                          "-c",
                          properties.toString(),
                          "--standalone",
                          "--ignore-formatted")))
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()))
              .start();
      try {
        if (!format.waitFor(2, TimeUnit.MINUTES) || format.exitValue() != 0) {
          format.destroyForcibly();
          throw new IOException(
              "formatting Kafka storage in " + dataDir + " failed; see " + logFile());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while formatting Kafka storage", e);
      }
    }
    ServiceProcess process =
        ServiceProcess.start(
            NAME,
            ServiceProcess.javaCommand(
                Stream.concat(extraJvmOptions.stream(), jvm.stream()).toList(),
                "kafka.Kafka",
                List.of(properties.toString())),
            Map.of(),
            logFile(),
            pidFile());
    process.awaitReady(this::answers, timeout);
    return process;
  }

  /** True once the broker answers a metadata request. */
  public boolean answers() {
    if (!Ports.listening(port)) {
      return false;
    }
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000);
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000);
    try (Admin admin = Admin.create(props)) {
      return !admin
          .describeCluster(new DescribeClusterOptions().timeoutMs(3000))
          .nodes()
          .get(4, TimeUnit.SECONDS)
          .isEmpty();
    } catch (Exception e) {
      return false;
    }
  }

  private String serverProperties(Path dataDir) {
    return String.join(
        "\n",
        "process.roles=broker,controller",
        "node.id=1",
        "controller.quorum.bootstrap.servers=127.0.0.1:" + controllerPort,
        "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
        "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
        "controller.listener.names=CONTROLLER",
        "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
        "inter.broker.listener.name=PLAINTEXT",
        "log.dirs=" + dataDir,
        "num.partitions=6",
        "offsets.topic.replication.factor=1",
        // One node: 50 partitions each (the defaults) for the group and transaction coordinators'
        // topics cost ~4 s of a 2-core box when the first group or transactional producer appears.
        "offsets.topic.num.partitions=6",
        "transaction.state.log.num.partitions=6",
        "transaction.state.log.replication.factor=1",
        "transaction.state.log.min.isr=1",
        "share.coordinator.state.topic.replication.factor=1",
        "share.coordinator.state.topic.min.isr=1",
        "group.initial.rebalance.delay.ms=0",
        "auto.create.topics.enable=false",
        "");
  }

  private static final String LOG4J2 =
      String.join(
          "\n",
          "status = warn",
          "appender.console.type = Console",
          "appender.console.name = console",
          "appender.console.layout.type = PatternLayout",
          "appender.console.layout.pattern = %d{ISO8601} %-5p [%c{1}] %m%n",
          "rootLogger.level = INFO",
          "rootLogger.appenderRef.console.ref = console",
          "logger.kafka.name = kafka",
          "logger.kafka.level = INFO",
          "logger.orgkafka.name = org.apache.kafka",
          "logger.orgkafka.level = WARN",
          "");
}
