package io.lmsingest.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.lmsingest.kit.config.CommonKeys;
import io.lmsingest.kit.config.ServiceConfig;
import io.lmsingest.kit.config.ServiceConfigFile;
import io.lmsingest.loader.LoaderApp;
import io.lmsingest.loader.LoaderConfig;
import io.lmsingest.poller.PollerMain;
import io.lmsingest.poller.config.PollerConfig;
import io.lmsingest.schemas.Topics;
import io.lmsingest.simulator.SimulatorMain;
import io.lmsingest.sink.SinkApp;
import io.lmsingest.sink.SinkConfig;
import io.lmsingest.validator.ValidatorApp;
import io.lmsingest.validator.ValidatorConfig;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * docker-compose.yml and the services' compose configs, read as files and checked against the code
 * (no Docker engine runs here): each service runs its own main class with a config its own
 * ServiceConfig accepts; brokers, registry, S3, simulator, metrics ports, secrets and the bucket
 * agree between the two sides. A change on one side only fails here.
 */
class ComposeConsistencyTest {
  static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();
  static JsonNode compose;

  record Expected(
      String service,
      Class<?> main,
      BiFunction<Map<String, String>, Map<String, String>, ServiceConfig> load) {}

  @BeforeAll
  static void read() throws Exception {
    compose =
        new ObjectMapper(new YAMLFactory()).readTree(ROOT.resolve("docker-compose.yml").toFile());
  }

  static Stream<Arguments> services() {
    return Stream.of(
        Arguments.of(new Expected("poller", PollerMain.class, PollerConfig::load)),
        Arguments.of(new Expected("validator", ValidatorApp.class, ValidatorConfig::load)),
        Arguments.of(new Expected("sink", SinkApp.class, SinkConfig::load)),
        Arguments.of(new Expected("loader", LoaderApp.class, LoaderConfig::load)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("services")
  void eachServiceRunsItsMainWithAConfigItsCodeAcceptsAndThatAgreesWithTheCompose(Expected expected)
      throws Exception {
    JsonNode service = service(expected.service());
    assertThat(service.path("build").asText())
        .as("built from this repository's Dockerfile")
        .isEqualTo(".");
    List<String> command = strings(service.path("command"));
    assertThat(command.get(0)).isEqualTo(expected.main().getName());
    String configInContainer = command.get(1);
    Path configOnHost = hostPathOf(service, configInContainer);
    ServiceConfig config =
        expected.load().apply(ServiceConfigFile.read(configOnHost), environment(service));

    assertThat(config.getString(CommonKeys.BOOTSTRAP_SERVERS)).isEqualTo(internalBrokers());
    assertThat(config.getString(CommonKeys.REGISTRY_URL))
        .isEqualTo(registryUrl())
        .isEqualTo(
            service("kafka-ui")
                .path("environment")
                .path("KAFKA_CLUSTERS_0_SCHEMAREGISTRY")
                .asText());
    assertThat(config.getString(CommonKeys.METRICS_HOST))
        .as("reachable from outside the container")
        .isEqualTo("0.0.0.0");
    assertThat(containerPorts(service))
        .as("the metrics port is published")
        .contains(config.getInt(CommonKeys.METRICS_PORT));

    List<String> secrets = strings(service.path("secrets"));
    for (Map.Entry<String, ?> e : config.values().entrySet()) {
      if (e.getValue() instanceof String v && v.startsWith("file:/run/secrets/")) {
        String name = v.substring("file:/run/secrets/".length());
        assertThat(secrets).as("%s refers to secret %s", e.getKey(), name).contains(name);
        assertThat(compose.path("secrets").has(name)).as("secret %s is declared", name).isTrue();
      }
    }
    if (config.values().containsKey(CommonKeys.S3_BUCKET)) {
      assertThat(config.getString(CommonKeys.S3_ENDPOINT))
          .isEqualTo("http://minio:" + containerPort(service("minio"), 9000));
      assertThat(service("minio-init").path("command").toString())
          .contains("local/" + config.getString(CommonKeys.S3_BUCKET));
      assertThat(dependsOn(service)).contains("minio-init");
    }
  }

  @Test
  void theServicesAgreeOnTopicsAndThePollerReachesTheSimulator() throws Exception {
    Map<String, ServiceConfig> configs = new HashMap<>();
    for (Arguments a : services().toList()) {
      Expected e = (Expected) a.get()[0];
      JsonNode service = service(e.service());
      configs.put(
          e.service(),
          e.load()
              .apply(
                  ServiceConfigFile.read(
                      hostPathOf(service, strings(service.path("command")).get(1))),
                  environment(service)));
    }
    assertThat(configs.get("poller").getString(PollerConfig.RAW_TOPIC))
        .isEqualTo(configs.get("validator").getString(ValidatorConfig.RAW_TOPIC))
        .isEqualTo(Topics.RAW);
    assertThat(configs.get("validator").getString(ValidatorConfig.V1_TOPIC))
        .isEqualTo(configs.get("sink").getString(SinkConfig.TOPIC));
    assertThat(configs.get("sink").getString(SinkConfig.MANIFEST_TOPIC))
        .isEqualTo(configs.get("loader").getString(LoaderConfig.MANIFEST_TOPIC));
    assertThat(configs.get("sink").getString(SinkConfig.BUCKET))
        .isEqualTo(configs.get("loader").getString(LoaderConfig.BUCKET));
    assertThat(configs.get("sink").getString(SinkConfig.MANIFEST_PREFIX))
        .isEqualTo(configs.get("loader").getString(LoaderConfig.MANIFEST_PREFIX));

    JsonNode simulator = service("simulator");
    List<String> command = strings(simulator.path("command"));
    assertThat(command.get(0)).isEqualTo(SimulatorMain.class.getName());
    String port = command.get(command.indexOf("--port") + 1);
    URI api = URI.create(configs.get("poller").getString(PollerConfig.API_URL));
    assertThat(api.getHost() + ":" + api.getPort()).isEqualTo("simulator:" + port);
    assertThat(containerPorts(simulator)).contains(Integer.parseInt(port));
    assertThat(command.get(command.indexOf("--api-key-file") + 1))
        .isEqualTo("/run/secrets/lms_api_key")
        .isEqualTo(
            configs.get("poller").getString(PollerConfig.API_KEY).substring("file:".length()));
    assertThat(strings(simulator.path("secrets"))).contains("lms_api_key");

    // The loader's DuckDB file lies on a volume, so the warehouse outlives the container.
    String duckdb = configs.get("loader").getString(LoaderConfig.DUCKDB_PATH);
    assertThat(strings(service("loader").path("volumes")))
        .anyMatch(v -> !v.startsWith(".") && duckdb.startsWith(v.split(":")[1] + "/"));
  }

  @Test
  void kafkaUiAndTheServicesUseTheBrokersInternalListener() {
    assertThat(
            service("kafka-ui")
                .path("environment")
                .path("KAFKA_CLUSTERS_0_BOOTSTRAPSERVERS")
                .asText())
        .isEqualTo(internalBrokers());
  }

  static JsonNode service(String name) {
    JsonNode service = compose.path("services").path(name);
    assertThat(service.isMissingNode()).as("docker-compose.yml has a service %s", name).isFalse();
    return service;
  }

  /** PLAINTEXT://kafka:19092 of the broker's advertised listeners: what containers use. */
  static String internalBrokers() {
    Matcher m =
        Pattern.compile("PLAINTEXT://([^,]+)")
            .matcher(
                service("kafka").path("environment").path("KAFKA_ADVERTISED_LISTENERS").asText());
    assertThat(m.find()).isTrue();
    return m.group(1);
  }

  static String registryUrl() {
    return "http://registry:" + containerPort(service("registry"), 8080) + "/apis/ccompat/v7";
  }

  static int containerPort(JsonNode service, int expected) {
    assertThat(containerPorts(service)).contains(expected);
    return expected;
  }

  static List<Integer> containerPorts(JsonNode service) {
    return strings(service.path("ports")).stream()
        .map(p -> Integer.parseInt(p.substring(p.lastIndexOf(':') + 1)))
        .toList();
  }

  static List<String> dependsOn(JsonNode service) {
    JsonNode deps = service.path("depends_on");
    List<String> names = new ArrayList<>();
    if (deps.isArray()) {
      deps.forEach(d -> names.add(d.asText()));
    } else {
      deps.fieldNames().forEachRemaining(names::add);
    }
    return names;
  }

  /** The host file mounted at {@code containerPath}. */
  static Path hostPathOf(JsonNode service, String containerPath) {
    for (String volume : strings(service.path("volumes"))) {
      String[] parts = volume.split(":");
      if (parts.length >= 2 && parts[1].equals(containerPath)) {
        return ROOT.resolve(parts[0]).normalize();
      }
    }
    throw new AssertionError(containerPath + " is not mounted into " + service);
  }

  /** The service's environment with ${VAR:-default} taken at its default, as with nothing set. */
  static Map<String, String> environment(JsonNode service) {
    Map<String, String> env = new HashMap<>();
    service
        .path("environment")
        .fields()
        .forEachRemaining(
            e -> {
              Matcher m = Pattern.compile("\\$\\{[A-Z_]+:-([^}]*)}").matcher(e.getValue().asText());
              env.put(e.getKey(), m.matches() ? m.group(1) : e.getValue().asText());
            });
    return env;
  }

  static List<String> strings(JsonNode array) {
    List<String> values = new ArrayList<>();
    array.forEach(n -> values.add(n.asText()));
    return values;
  }
}
