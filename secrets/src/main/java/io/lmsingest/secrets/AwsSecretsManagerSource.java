package io.lmsingest.secrets;

import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;
import software.amazon.awssdk.services.secretsmanager.model.SecretsManagerException;

/**
 * {@code aws-secretsmanager:<secret-id>}: the current version of a secret in AWS Secrets Manager.
 * The client is passed in, so region, endpoint override and credentials are the caller's choice
 * (the default AWS chain in production).
 */
public final class AwsSecretsManagerSource implements SecretSource {
  private final SecretsManagerClient client;

  public AwsSecretsManagerSource(SecretsManagerClient client) {
    this.client = client;
  }

  @Override
  public String fetch(SecretReference reference) {
    try {
      GetSecretValueResponse response =
          client.getSecretValue(b -> b.secretId(reference.location()));
      if (response.secretString() == null) {
        throw new SecretUnavailableException(
            "secret "
                + reference.location()
                + " has no SecretString (binary secrets are not supported)",
            null);
      }
      return response.secretString();
    } catch (ResourceNotFoundException e) {
      throw new SecretUnavailableException(
          "AWS Secrets Manager has no secret " + reference.location(), e);
    } catch (SecretsManagerException e) {
      throw new SecretUnavailableException(
          "AWS Secrets Manager refused "
              + reference.location()
              + ": HTTP "
              + e.statusCode()
              + " "
              + (e.awsErrorDetails() == null ? "" : e.awsErrorDetails().errorCode()),
          e);
    } catch (SdkException e) {
      throw new SecretUnavailableException(
          "AWS Secrets Manager unreachable for "
              + reference.location()
              + ": "
              + e.getClass().getSimpleName(),
          e);
    }
  }
}
