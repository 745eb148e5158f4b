package io.lmsingest.localstack;

import io.lmsingest.kit.aws.WithoutExpectContinue;
import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;

/** Where a local S3-compatible server listens and the credentials it accepts. */
public record S3Endpoint(URI uri, String region, String accessKeyId, String secretAccessKey) {

  /** An AWS SDK v2 client for this endpoint (path-style, as local servers need). */
  public S3Client newClient() {
    return S3Client.builder()
        .endpointOverride(uri)
        .region(Region.of(region))
        .credentialsProvider(
            StaticCredentialsProvider.create(
                AwsBasicCredentials.create(accessKeyId, secretAccessKey)))
        .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build())
        .overrideConfiguration(o -> o.addExecutionInterceptor(new WithoutExpectContinue()))
        .httpClient(UrlConnectionHttpClient.create())
        .build();
  }

  @Override
  public String toString() {
    return "S3Endpoint[uri="
        + uri
        + ", region="
        + region
        + ", accessKeyId="
        + accessKeyId
        + ", secret=[redacted]]";
  }
}
