package io.lmsingest.cli;

import io.lmsingest.localstack.StackLayout;
import io.lmsingest.schemas.Topics;
import io.lmsingest.stack.LocalStack;
import io.lmsingest.stack.PipelineProbe;
import io.lmsingest.stack.PipelineServices;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/** {@code ./lms-ingest status}: where the pipeline of the local stack stands. */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description =
        "Lag per consumer group, the last manifest, the last merged batch, freshness and the DLQ count of the local stack in DIR.")
final class StatusCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;
  @Mixin DataDirOption data;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    StackLayout layout = data.layout();
    Properties settings = layout.loadSettings();
    if (settings.isEmpty()) {
      spec.commandLine()
          .getErr()
          .println(
              "no local stack in "
                  + layout.root()
                  + " (start one with ./lms-ingest demo or infra up)");
      return 1;
    }
    LocalStack stack = new LocalStack(layout, settings);
    if (stack.running("kafka").isEmpty()) {
      spec.commandLine()
          .getErr()
          .println(
              "Kafka of "
                  + layout.root()
                  + " is not running: ./lms-ingest infra up --data-dir "
                  + layout.root());
      return 1;
    }
    try (Admin admin =
        Admin.create(Map.of("bootstrap.servers", stack.kafka().bootstrapServers()))) {
      PipelineServices services = new PipelineServices(stack, layout);
      for (String service : PipelineServices.SERVICES) {
        String group = PipelineServices.GROUPS.get(service);
        String state =
            services.running(service).map(p -> "running (pid " + p.pid() + ")").orElse("stopped");
        if (group == null) {
          out.printf("%-10s %s%n", service, state);
        } else {
          long lag = PipelineProbe.lag(admin, group, PipelineServices.INPUTS.get(service));
          out.printf(
              "%-10s %-22s group %-22s lag %s on %s%n",
              service,
              state,
              group,
              lag < 0 ? "unknown" : String.format("%,d", lag),
              PipelineServices.INPUTS.get(service));
        }
      }
      out.printf(
          "dlq        %,d records in %s%n", PipelineProbe.size(admin, Topics.DLQ), Topics.DLQ);
    }
    if (stack.running("s3").isPresent()) {
      try (S3Client s3 = stack.s3().newClient()) {
        s3
            .listObjectsV2Paginator(b -> b.bucket(StackLayout.BUCKET).prefix("manifests/"))
            .contents()
            .stream()
            .max(Comparator.comparing(S3Object::lastModified))
            .ifPresentOrElse(
                m -> out.printf("manifest   last %s at %s%n", m.key(), m.lastModified()),
                () -> out.println("manifest   none yet"));
      }
    }
    warehouse(out, layout, new PipelineServices(stack, layout));
    return 0;
  }

  private static void warehouse(PrintWriter out, StackLayout layout, PipelineServices services)
      throws Exception {
    if (!Files.exists(layout.warehouse())) {
      out.println("warehouse  none yet");
      return;
    }
    try (Connection c = PipelineProbe.warehouse(layout.warehouse(), true);
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT batch_id, committed_at, files, rows_copied, max_updated_at,"
                    + " (SELECT epoch_ms(now()::TIMESTAMP) - epoch_ms(MAX(updated_at)) FROM analytics_ready) FROM load_batches"
                    + " ORDER BY committed_at DESC LIMIT 1")) {
      if (rs.next()) {
        out.printf(
            "warehouse  last batch %s committed %s (%d files, %,d rows); freshness %,d ms%n",
            rs.getString(1), rs.getString(2), rs.getInt(3), rs.getLong(4), rs.getLong(6));
      } else {
        out.println("warehouse  no batch merged yet");
      }
    } catch (SQLException e) {
      // The running loader holds DuckDB's lock: ask it instead.
      Map<String, Double> metrics = PipelineProbe.metrics(services.metricsPort("loader"));
      if (metrics.isEmpty()) {
        out.println(
            "warehouse  in use by another process (DuckDB allows one writer) and the loader does not answer");
        return;
      }
      double lastAt = metrics.getOrDefault("lms_loader_last_batch_timestamp_seconds", 0.0);
      out.printf(
          "warehouse  %s; %,.0f batches, %,.0f rows merged since the loader started; freshness %s (from the"
              + " loader: it holds DuckDB's lock)%n",
          lastAt > 0
              ? String.format(
                  "last batch committed %s (%,.0f files, %,.0f rows)",
                  Instant.ofEpochMilli((long) (lastAt * 1000)),
                  metrics.getOrDefault("lms_loader_last_batch_files", 0.0),
                  metrics.getOrDefault("lms_loader_last_batch_rows", 0.0))
              : "no batch merged since the loader started",
          metrics.getOrDefault("lms_loader_batches_total", 0.0),
          metrics.getOrDefault("lms_loader_rows_inserted_total", 0.0)
              + metrics.getOrDefault("lms_loader_rows_updated_total", 0.0),
          metrics.containsKey("lms_loader_freshness_seconds") && lastAt > 0
              ? String.format("%,.0f ms", metrics.get("lms_loader_freshness_seconds") * 1000)
              : "unknown");
    }
  }
}
