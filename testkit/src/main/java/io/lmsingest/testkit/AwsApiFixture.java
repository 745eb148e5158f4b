package io.lmsingest.testkit;

import io.lmsingest.localstack.Ports;
import io.lmsingest.localstack.ServiceProcess;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Real AWS APIs — Secrets Manager, SNS, SQS — from the {@code moto} server of this machine image's
 * Python ({@code python3 -m moto.server}), in its own process, spoken to through the AWS SDK.
 * Services under test read their {@code aws-secretsmanager:} references from it and publish their
 * alerts to its SNS exactly as to AWS; a test reads those back through an SQS queue.
 */
public final class AwsApiFixture implements AutoCloseable {
  /** The region secrets are created in; services read them with {@code aws.region} set to it. */
  public static final String REGION = "us-east-1";

  private final ServiceProcess process;
  private final URI endpoint;
  private final SecretsManagerClient client;
  private final SnsClient sns;
  private final SqsClient sqs;

  private AwsApiFixture(ServiceProcess process, URI endpoint) {
    this.process = process;
    this.endpoint = endpoint;
    this.client = local(SecretsManagerClient.builder(), endpoint);
    this.sns = local(SnsClient.builder(), endpoint);
    this.sqs = local(SqsClient.builder(), endpoint);
  }

  /** An AWS SDK client of any service, pointed at the emulator. */
  private static <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C local(
      B builder, URI endpoint) {
    return builder
        .endpointOverride(endpoint)
        .region(Region.of(REGION))
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")))
        .httpClient(UrlConnectionHttpClient.create())
        .build();
  }

  static AwsApiFixture start() {
    // Services build their Secrets Manager client on the default AWS credential chain; moto accepts
    // any key, and the chain's system-property step finds these (never a real credential).
    if (System.getProperty("aws.accessKeyId") == null) {
      System.setProperty("aws.accessKeyId", "testing");
      System.setProperty("aws.secretAccessKey", "testing");
    }
    try {
      Path home = Files.createTempDirectory("lms-moto-");
      int port = Ports.free();
      ServiceProcess process =
          ServiceProcess.start(
              "moto",
              List.of(
                  "python3", "-m", "moto.server", "-H", "127.0.0.1", "-p", Integer.toString(port)),
              Map.of(),
              home.resolve("moto.log"),
              home.resolve("moto.pid"));
      try {
        process.awaitReady(() -> Ports.listening(port), Duration.ofSeconds(60));
      } catch (IOException e) {
        throw new IllegalStateException(
            "the AWS API emulator did not start (it is Python's moto server: 'python3 -m moto.server';"
                + " this machine image ships moto 5.2.1 — install it with 'pip install \"moto[server]\"' where PyPI is reachable): "
                + e.getMessage(),
            e);
      }
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    if (process.isAlive()) {
                      try {
                        process.stop(Duration.ofSeconds(5));
                      } catch (IOException e) {
                        System.err.println(
                            "could not stop the moto server (pid " + process.pid() + "): " + e);
                      }
                    }
                  },
                  "moto-fixture-stop"));
      return new AwsApiFixture(process, URI.create("http://127.0.0.1:" + port));
    } catch (IOException e) {
      throw new IllegalStateException("cannot start the moto server: " + e.getMessage(), e);
    }
  }

  /** The value for a service's {@code aws.secretsmanager.endpoint}. */
  public URI endpoint() {
    return endpoint;
  }

  /** Creates a secret with a unique name and returns its {@code aws-secretsmanager:} reference. */
  public String createSecret(String value) {
    String name = "lms/test/" + UUID.randomUUID();
    client.createSecret(b -> b.name(name).secretString(value));
    return "aws-secretsmanager:" + name;
  }

  /** Stores a new current value of an existing secret (a rotation). */
  public void rotate(String reference, String value) {
    client.putSecretValue(
        b -> b.secretId(reference.substring("aws-secretsmanager:".length())).secretString(value));
  }

  public SecretsManagerClient client() {
    return client;
  }

  /** An SNS topic with an SQS queue subscribed to it: what is published can be read back. */
  public TopicWithQueue topicWithQueue() {
    String name = "lms-alerts-" + UUID.randomUUID().toString().substring(0, 8);
    String topicArn = sns.createTopic(b -> b.name(name)).topicArn();
    String queueUrl = sqs.createQueue(b -> b.queueName(name)).queueUrl();
    String queueArn =
        sqs.getQueueAttributes(
                b -> b.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
            .attributes()
            .get(QueueAttributeName.QUEUE_ARN);
    sns.subscribe(
        b ->
            b.topicArn(topicArn)
                .protocol("sqs")
                .endpoint(queueArn)
                .attributes(Map.of("RawMessageDelivery", "true")));
    return new TopicWithQueue(topicArn, queueUrl, sqs);
  }

  /** A topic and the queue that receives what it publishes. */
  public record TopicWithQueue(String topicArn, String queueUrl, SqsClient sqs) {
    /** Every message delivered so far (each read once). */
    public List<String> receive() {
      List<String> bodies = new ArrayList<>();
      while (true) {
        var messages =
            sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1))
                .messages();
        if (messages.isEmpty()) {
          return bodies;
        }
        for (var m : messages) {
          bodies.add(m.body());
          sqs.deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(m.receiptHandle()));
        }
      }
    }
  }

  @Override
  public void close() throws Exception {
    client.close();
    sns.close();
    sqs.close();
    process.stop(Duration.ofSeconds(5));
  }
}
