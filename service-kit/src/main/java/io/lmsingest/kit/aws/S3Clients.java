package io.lmsingest.kit.aws;

import io.lmsingest.kit.config.CommonKeys;
import io.lmsingest.kit.config.ServiceConfig;
import io.lmsingest.kit.secrets.ServiceSecrets;
import java.net.URI;
import org.apache.kafka.common.config.ConfigException;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;

/**
 * The S3 client every service builds the same way from {@link CommonKeys#s3}: a region, an optional
 * endpoint override, and either the default AWS credential chain or access keys given as secret
 * references, resolved through the service's secrets on use (so a rotated key is picked up).
 */
public final class S3Clients {
  private S3Clients() {}

  public static S3Client create(ServiceConfig config, ServiceSecrets secrets) {
    AwsCredentialsProvider credentials;
    if (config.getString(CommonKeys.S3_ACCESS_KEY_ID).isEmpty()) {
      credentials = DefaultCredentialsProvider.builder().build();
    } else {
      // Fail at start, naming the key, rather than at the first upload.
      secrets.get(CommonKeys.S3_ACCESS_KEY_ID);
      secrets.get(CommonKeys.S3_SECRET_ACCESS_KEY);
      credentials =
          () ->
              AwsBasicCredentials.create(
                  secrets.get(CommonKeys.S3_ACCESS_KEY_ID).reveal(),
                  secrets.get(CommonKeys.S3_SECRET_ACCESS_KEY).reveal());
    }
    var builder =
        S3Client.builder()
            .region(Region.of(config.getString(CommonKeys.S3_REGION)))
            .credentialsProvider(credentials)
            .serviceConfiguration(
                S3Configuration.builder()
                    .pathStyleAccessEnabled(config.getBoolean(CommonKeys.S3_PATH_STYLE))
                    .build())
            .overrideConfiguration(o -> o.addExecutionInterceptor(new WithoutExpectContinue()))
            .httpClient(UrlConnectionHttpClient.create());
    String endpoint = config.getString(CommonKeys.S3_ENDPOINT);
    if (!endpoint.isEmpty()) {
      builder.endpointOverride(URI.create(endpoint));
    }
    return builder.build();
  }

  /** Access key id and secret are given together or not at all. */
  public static void checkKeyPair(ServiceConfig config) {
    if (config.getString(CommonKeys.S3_ACCESS_KEY_ID).isEmpty()
        != config.getString(CommonKeys.S3_SECRET_ACCESS_KEY).isEmpty()) {
      throw new ConfigException(
          CommonKeys.S3_ACCESS_KEY_ID
              + " and "
              + CommonKeys.S3_SECRET_ACCESS_KEY
              + " are set together or not at all");
    }
  }
}
