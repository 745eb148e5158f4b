package io.lmsingest.simulator.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A minimal client of the simulated API for tests: follows cursors, retries 429 (honouring
 * Retry-After), 5xx, I/O errors and malformed pages, and keeps the (updated_at, activity_id)
 * high-water mark so a record repeated across a page boundary is taken once.
 */
final class RetryingPageReader {
  record Version(String activityId, Instant updatedAt, boolean deleted, String status) {}

  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String baseUrl;
  private final String apiKey;
  private final int limit;
  int retries;
  int pages;

  RetryingPageReader(String baseUrl, String apiKey, int limit) {
    this.baseUrl = baseUrl;
    this.apiKey = apiKey;
    this.limit = limit;
  }

  List<Version> readAll(Instant since) throws Exception {
    List<Version> out = new ArrayList<>();
    Instant markTime = null;
    String markId = null;
    String path = "/v1/activities?since=" + since + "&limit=" + limit;
    while (path != null) {
      JsonNode page = fetch(path);
      pages++;
      for (JsonNode item : page.get("data")) {
        Instant updatedAt = Instant.parse(item.get("updated_at").asText());
        String id = item.get("activity_id").asText();
        boolean afterMark =
            markTime == null
                || updatedAt.isAfter(markTime)
                || (updatedAt.equals(markTime) && id.compareTo(markId) > 0);
        if (!afterMark) {
          continue;
        }
        out.add(
            new Version(
                id, updatedAt, item.get("is_deleted").asBoolean(), item.get("status").asText()));
        markTime = updatedAt;
        markId = id;
      }
      path = page.get("has_more").asBoolean() ? page.get("next").asText() : null;
    }
    return out;
  }

  JsonNode fetch(String path) throws Exception {
    for (int attempt = 1; ; attempt++) {
      if (attempt > 50) {
        throw new IOException("gave up on " + path + " after 50 attempts");
      }
      HttpResponse<byte[]> response;
      try {
        response =
            http.send(
                HttpRequest.newBuilder(URI.create(baseUrl + path))
                    .header(LmsApiServer.API_KEY_HEADER, apiKey)
                    .timeout(Duration.ofSeconds(10))
                    .build(),
                HttpResponse.BodyHandlers.ofByteArray());
      } catch (IOException e) {
        retries++;
        Thread.sleep(5);
        continue;
      }
      if (response.statusCode() == 429) {
        retries++;
        long seconds = response.headers().firstValueAsLong("Retry-After").orElse(1);
        Thread.sleep(seconds * 1000);
        continue;
      }
      if (response.statusCode() >= 500) {
        retries++;
        Thread.sleep(5);
        continue;
      }
      if (response.statusCode() != 200) {
        throw new IOException("HTTP " + response.statusCode() + ": " + new String(response.body()));
      }
      try {
        return JSON.readTree(response.body());
      } catch (JsonProcessingException e) {
        retries++; // truncated page: fetch it again
      }
    }
  }
}
