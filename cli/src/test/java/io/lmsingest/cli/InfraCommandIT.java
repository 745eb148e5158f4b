package io.lmsingest.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.lmsingest.localstack.Ports;
import io.lmsingest.localstack.S3Endpoint;
import io.lmsingest.localstack.StackLayout;
import io.lmsingest.stack.LocalStack;
import java.io.PrintWriter;
import java.io.StringWriter;
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
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@code infra up}, {@code infra down}, and an up again on the same data, through the real command
 * line.
 */
@Tag("integration")
class InfraCommandIT {

  @Test
  void upStartsEveryServiceDownLeavesNoProcessAndARestartKeepsTheData(@TempDir Path dir)
      throws Exception {
    List<String> ports = new ArrayList<>();
    for (String option :
        List.of(
            "--kafka-port",
            "--kafka-controller-port",
            "--registry-port",
            "--s3-port",
            "--simulator-port")) {
      ports.add(option);
      ports.add(Integer.toString(Ports.free()));
    }
    List<String> upArgs =
        new ArrayList<>(List.of("infra", "up", "--data-dir", dir.toString(), "--records", "5000"));
    upArgs.addAll(ports);
    StackLayout layout = new StackLayout(dir);
    try {
      Run up = run(upArgs);
      assertThat(up.exitCode).as(up.output).isZero();
      assertThat(up.output)
          .contains("kafka", "registry", "s3", "simulator")
          .doesNotContain(layout.secret("lms-api-key", 24));
      Properties settings = layout.loadSettings();
      LocalStack stack = new LocalStack(layout, settings);
      List<Long> pids = new ArrayList<>();
      for (String service : LocalStack.SERVICES) {
        pids.add(
            stack
                .running(service)
                .orElseThrow(() -> new AssertionError(service + " not running"))
                .pid());
      }

      try (Admin admin =
          Admin.create(Map.of("bootstrap.servers", stack.kafka().bootstrapServers()))) {
        admin.createTopics(List.of(new NewTopic("kept-topic", 3, (short) 1))).all().get();
      }
      int schemaId =
          registerSchema(stack.registry().confluentApiUrl(), "kept-value", "\\\"string\\\"");
      S3Endpoint s3 = stack.s3();
      try (S3Client client = s3.newClient()) {
        client.putObject(
            b -> b.bucket(StackLayout.BUCKET).key("bronze/kept.txt"), RequestBody.fromString("x"));
      }
      HttpClient http = HttpClient.newHttpClient();
      String activities = stack.simulatorUrl() + "/v1/activities?limit=10";
      assertThat(
              http.send(
                      HttpRequest.newBuilder(URI.create(activities)).build(),
                      HttpResponse.BodyHandlers.discarding())
                  .statusCode())
          .isEqualTo(401);
      HttpResponse<String> page =
          http.send(
              HttpRequest.newBuilder(URI.create(activities))
                  .header("X-Api-Key", layout.secret("lms-api-key", 24))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(page.statusCode()).isEqualTo(200);
      assertThat(page.body()).contains("\"activity_id\"");
      HttpResponse<String> truth =
          http.send(
              HttpRequest.newBuilder(URI.create(stack.simulatorUrl() + "/v1/admin/ground-truth"))
                  .header("X-Api-Key", layout.secret("lms-api-key", 24))
                  .POST(HttpRequest.BodyPublishers.noBody())
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(truth.statusCode()).as(truth.body()).isEqualTo(200);
      assertThat(truth.body()).contains("\"changes\":10");
      assertThat(Files.size(layout.groundTruth()))
          .as("ground truth written by the simulator process")
          .isPositive();

      Run down = run(List.of("infra", "down", "--data-dir", dir.toString()));
      assertThat(down.exitCode).as(down.output).isZero();
      for (long pid : pids) {
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
            .as("pid %d still alive", pid)
            .isFalse();
      }
      for (String service : LocalStack.SERVICES) {
        assertThat(Ports.listening(stack.port(service)))
            .as("%s port still open", service)
            .isFalse();
      }
      assertThat(
              Files.exists(
                  dir.resolve("s3").resolve(StackLayout.BUCKET).resolve("bronze/kept.txt")))
          .isTrue();

      Run again = run(upArgs);
      assertThat(again.exitCode).as(again.output).isZero();
      try (Admin admin =
          Admin.create(Map.of("bootstrap.servers", stack.kafka().bootstrapServers()))) {
        assertThat(admin.listTopics().names().get()).contains("kept-topic");
      }
      assertThat(registerSchema(stack.registry().confluentApiUrl(), "kept-value", "\\\"string\\\""))
          .as("the registry kept its schemas across the restart")
          .isEqualTo(schemaId);
      try (S3Client client = s3.newClient()) {
        assertThat(
                client
                    .getObjectAsBytes(b -> b.bucket(StackLayout.BUCKET).key("bronze/kept.txt"))
                    .asUtf8String())
            .isEqualTo("x");
      }
    } finally {
      Run down = run(List.of("infra", "down", "--data-dir", dir.toString()));
      assertThat(down.exitCode).as(down.output).isZero();
    }
  }

  private static int registerSchema(String registryUrl, String subject, String schemaJson)
      throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(registryUrl + "/subjects/" + subject + "/versions"))
                    .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                    .timeout(Duration.ofSeconds(10))
                    .POST(
                        HttpRequest.BodyPublishers.ofString("{\"schema\":\"" + schemaJson + "\"}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return Integer.parseInt(response.body().replaceAll("[^0-9]", ""));
  }

  private record Run(int exitCode, String output) {}

  private static Run run(List<String> args) {
    StringWriter out = new StringWriter();
    CommandLine cli = LmsIngest.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(out, true));
    int code = cli.execute(args.toArray(String[]::new));
    return new Run(code, out.toString());
  }
}
