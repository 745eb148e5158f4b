package io.lmsingest.serde;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.StreamSupport;
import org.apache.avro.Schema;

/**
 * Client of the Confluent Schema Registry REST API (also served by Apicurio's {@code
 * /apis/ccompat/v7}, Karapace and Redpanda). Ids and schemas are cached: a schema id never changes
 * meaning, so after the first lookup no record pays a registry round trip.
 */
public final class SchemaRegistryClient {
  private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final List<URI> baseUrls;
  private final Optional<String> authorization;
  private final HttpClient http;
  private final Duration timeout;
  private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();
  private final Map<String, Map<Schema, Integer>> idsBySubject = new ConcurrentHashMap<>();

  public SchemaRegistryClient(List<URI> baseUrls, Optional<String> basicAuthUserInfo) {
    this(baseUrls, basicAuthUserInfo, Duration.ofSeconds(10));
  }

  public SchemaRegistryClient(
      List<URI> baseUrls, Optional<String> basicAuthUserInfo, Duration timeout) {
    if (baseUrls.isEmpty()) {
      throw new IllegalArgumentException("at least one registry URL is required");
    }
    // Credentials in a URL (https://user:password@host/...) become the Authorization header and
    // leave the URL, which error messages and DLQ details quote.
    Optional<String> fromUrl =
        baseUrls.stream()
            .map(URI::getRawUserInfo)
            .filter(java.util.Objects::nonNull)
            .findFirst()
            .map(info -> java.net.URLDecoder.decode(info, StandardCharsets.UTF_8));
    this.baseUrls = baseUrls.stream().map(SchemaRegistryClient::withoutUserInfo).toList();
    basicAuthUserInfo = basicAuthUserInfo.or(() -> fromUrl);
    this.authorization =
        basicAuthUserInfo.map(
            info ->
                "Basic "
                    + Base64.getEncoder().encodeToString(info.getBytes(StandardCharsets.UTF_8)));
    this.timeout = timeout;
    this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
  }

  private static URI withoutUserInfo(URI url) {
    if (url.getRawUserInfo() == null) {
      return url;
    }
    return URI.create(url.toString().replace(url.getRawUserInfo() + "@", ""));
  }

  public static SchemaRegistryClient from(RegistrySerdeConfig config) {
    return new SchemaRegistryClient(config.registryUrls(), config.basicAuthUserInfo());
  }

  /** Registers {@code schema} under {@code subject} (idempotent) and returns its global id. */
  public int register(String subject, Schema schema) {
    return idsBySubject
        .computeIfAbsent(subject, s -> new ConcurrentHashMap<>())
        .computeIfAbsent(
            schema,
            s -> {
              JsonNode answer = call("POST", subjectPath(subject) + "/versions", schemaBody(s));
              int id = answer.path("id").asInt(-1);
              if (id < 0) {
                throw new SchemaRegistryException(
                    "registry answered register of subject '" + subject + "' without an id",
                    200,
                    -1,
                    null);
              }
              schemasById.putIfAbsent(id, s);
              return id;
            });
  }

  /**
   * Returns the id of {@code schema} if it is already registered under {@code subject}, without
   * registering it; throws {@link SchemaRegistryException} with error code 40401/40403 otherwise.
   */
  public int lookup(String subject, Schema schema) {
    return idsBySubject
        .computeIfAbsent(subject, s -> new ConcurrentHashMap<>())
        .computeIfAbsent(
            schema,
            s -> {
              JsonNode answer = call("POST", subjectPath(subject), schemaBody(s));
              int id = answer.path("id").asInt(-1);
              schemasById.putIfAbsent(id, s);
              return id;
            });
  }

  /** The schema with global id {@code id}. */
  public Schema schemaById(int id) {
    return schemasById.computeIfAbsent(
        id,
        i -> {
          JsonNode answer = call("GET", "/schemas/ids/" + i, null);
          String text = answer.path("schema").asText(null);
          if (text == null) {
            throw new SchemaRegistryException(
                "registry answered schema id " + i + " without a schema", 200, -1, null);
          }
          return new Schema.Parser().parse(text);
        });
  }

  /** Registered versions of {@code subject}, oldest first. */
  public List<Integer> versions(String subject) {
    JsonNode answer = call("GET", subjectPath(subject) + "/versions", null);
    return StreamSupport.stream(answer.spliterator(), false).map(JsonNode::asInt).toList();
  }

  private static String subjectPath(String subject) {
    return "/subjects/" + URLEncoder.encode(subject, StandardCharsets.UTF_8);
  }

  private static String schemaBody(Schema schema) {
    ObjectNode body = JSON.createObjectNode();
    body.put("schema", schema.toString());
    return body.toString();
  }

  private JsonNode call(String method, String path, String body) {
    SchemaRegistryException lastUnreachable = null;
    for (URI base : baseUrls) {
      URI uri = URI.create(base + path);
      HttpRequest.Builder request =
          HttpRequest.newBuilder(uri)
              .timeout(timeout)
              .header("Accept", CONTENT_TYPE + ", application/json");
      authorization.ifPresent(value -> request.header("Authorization", value));
      if (body == null) {
        request.GET();
      } else {
        request.header("Content-Type", CONTENT_TYPE);
        request.method(method, HttpRequest.BodyPublishers.ofString(body));
      }
      HttpResponse<String> response;
      try {
        response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      } catch (ConnectException | HttpTimeoutException e) {
        lastUnreachable =
            new SchemaRegistryException(
                "schema registry " + base + " is unreachable (" + describe(e) + ")", -1, -1, e);
        continue;
      } catch (IOException e) {
        lastUnreachable =
            new SchemaRegistryException(
                "schema registry "
                    + base
                    + " failed during "
                    + method
                    + " "
                    + path
                    + " ("
                    + describe(e)
                    + ")",
                -1,
                -1,
                e);
        continue;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new SchemaRegistryException(
            "interrupted while calling the schema registry", -1, -1, e);
      }
      return parse(base, method, path, response);
    }
    throw lastUnreachable;
  }

  private static JsonNode parse(
      URI base, String method, String path, HttpResponse<String> response) {
    JsonNode json;
    try {
      json = response.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(response.body());
    } catch (IOException e) {
      throw new SchemaRegistryException(
          "schema registry "
              + base
              + " answered "
              + method
              + " "
              + path
              + " with HTTP "
              + response.statusCode()
              + " and a body that is not JSON",
          response.statusCode(),
          -1,
          e);
    }
    if (response.statusCode() / 100 != 2) {
      int errorCode = json.path("error_code").asInt(-1);
      String message = json.path("message").asText("");
      String hint =
          switch (response.statusCode()) {
            case 401, 403 -> " (check " + RegistrySerdeConfig.BASIC_AUTH_USER_INFO + ")";
            case 409 -> " (the schema is not compatible with the subject's earlier versions)";
            default -> "";
          };
      throw new SchemaRegistryException(
          "schema registry "
              + base
              + " refused "
              + method
              + " "
              + path
              + ": HTTP "
              + response.statusCode()
              + (errorCode > 0 ? " error " + errorCode : "")
              + (message.isEmpty() ? "" : " " + message)
              + hint,
          response.statusCode(),
          errorCode,
          null);
    }
    return json;
  }

  private static String describe(Exception e) {
    return e.getMessage() == null
        ? e.getClass().getSimpleName()
        : e.getClass().getSimpleName() + ": " + e.getMessage();
  }
}
