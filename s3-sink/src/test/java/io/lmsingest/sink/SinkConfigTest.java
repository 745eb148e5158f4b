package io.lmsingest.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lmsingest.schemas.ConsumerGroups;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SinkConfigTest {
  static Map<String, String> minimal() {
    Map<String, String> values = new HashMap<>();
    values.put(SinkConfig.BOOTSTRAP_SERVERS, "127.0.0.1:9092");
    values.put(SinkConfig.REGISTRY_URL, "http://127.0.0.1:8081/apis/ccompat/v7");
    values.put(SinkConfig.BUCKET, "lms-bronze");
    return values;
  }

  @Test
  void defaultsOverridesAndErrorsNamingTheKey() {
    SinkConfig config = SinkConfig.load(minimal(), Map.of("LMS_ROTATION_MAX_AGE_MS", "5000"));
    assertThat(config.getLong(SinkConfig.MAX_AGE_MS)).isEqualTo(5000);
    assertThat(config.getString(SinkConfig.GROUP_ID)).isEqualTo(ConsumerGroups.SINK);
    assertThat(config.getString(SinkConfig.SSE)).isEqualTo("s3");

    Map<String, String> noBucket = minimal();
    noBucket.remove(SinkConfig.BUCKET);
    assertThatThrownBy(() -> SinkConfig.load(noBucket, Map.of())).hasMessageContaining("s3.bucket");
    assertThatThrownBy(() -> SinkConfig.load(minimal(), Map.of("LMS_S3_SSE", "none")))
        .hasMessageContaining("s3.sse");
    Map<String, String> halfKeys = minimal();
    halfKeys.put(SinkConfig.ACCESS_KEY_ID, "env:AWS_KEY");
    assertThatThrownBy(() -> SinkConfig.load(halfKeys, Map.of()))
        .hasMessageContaining("s3.secret.access.key");
  }

  @Test
  void anUnknownKeyFailsAtStartWithItsNameAndTheSecretsManagerKeysAreAccepted() {
    Map<String, String> typo = minimal();
    typo.put("rotation.max.record", "10");
    assertThatThrownBy(() -> SinkConfig.load(typo, Map.of()))
        .hasMessageContaining("unknown config key 'rotation.max.record' for the sink")
        .hasMessageContaining("did you mean 'rotation.max.records'?");
    Map<String, String> withAws = minimal();
    withAws.put("aws.region", "eu-west-1");
    withAws.put("aws.secretsmanager.endpoint", "http://127.0.0.1:4566");
    withAws.put(SinkConfig.ACCESS_KEY_ID, "aws-secretsmanager:prod/lms-s3#id");
    withAws.put(SinkConfig.SECRET_ACCESS_KEY, "aws-secretsmanager:prod/lms-s3#secret");
    assertThat(SinkConfig.load(withAws, Map.of()).getString("aws.secretsmanager.endpoint"))
        .isEqualTo("http://127.0.0.1:4566");
  }
}
