package io.lmsingest.stack;

import io.lmsingest.localstack.StackLayout;
import io.lmsingest.schemas.Topics;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;

/**
 * One reading of where the local pipeline stands: served, lag per group, merged rows, freshness,
 * DLQ.
 */
public record Progress(
    long served, Map<String, Long> lags, long merged, long freshnessMs, long dlq) {
  public static Progress read(
      LocalStack stack, PipelineServices services, StackLayout layout, Admin admin) {
    Map<String, Long> lags = new HashMap<>();
    PipelineServices.GROUPS.forEach(
        (service, group) ->
            lags.put(
                service, PipelineProbe.lag(admin, group, PipelineServices.INPUTS.get(service))));
    Map<String, Double> loader = PipelineProbe.metrics(services.metricsPort("loader"));
    long merged =
        (long)
            (loader.getOrDefault("lms_loader_rows_inserted_total", 0.0)
                + loader.getOrDefault("lms_loader_rows_updated_total", 0.0));
    long freshness =
        merged > 0 && loader.containsKey("lms_loader_freshness_seconds")
            ? (long) (loader.get("lms_loader_freshness_seconds") * 1000)
            : -1;
    return new Progress(
        PipelineProbe.served(stack, layout),
        lags,
        merged,
        freshness,
        PipelineProbe.size(admin, Topics.DLQ));
  }

  public long lag(String service) {
    return lags.getOrDefault(service, -1L);
  }

  /** Every group's lag is known and zero. */
  public boolean drained() {
    return lags.size() == PipelineServices.GROUPS.size()
        && lags.values().stream().allMatch(l -> l == 0);
  }
}
