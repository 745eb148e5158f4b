package io.lmsingest.kit.aws;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.lmsingest.kit.config.CommonKeys;
import io.lmsingest.kit.config.ServiceConfig;
import io.lmsingest.kit.secrets.ServiceSecrets;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.common.config.ConfigDef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/** The S3 client every service builds, against a real HTTP server that records what it receives. */
class S3ClientsTest {
  static final class S3Config extends ServiceConfig {
    S3Config(Map<String, ?> values) {
      super("test", CommonKeys.secrets(CommonKeys.s3(new ConfigDef())), values);
    }
  }

  @Test
  void putsCarryNoExpectContinueAndAreSignedWithTheReferencedKeys(@TempDir Path dir)
      throws Exception {
    Path keyId = Files.writeString(dir.resolve("key-id"), "AKIDFROMFILE\n");
    Path secret = Files.writeString(dir.resolve("secret"), "not-a-real-secret");
    List<String> seen = new CopyOnWriteArrayList<>();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        exchange -> {
          try (exchange) {
            exchange.getRequestBody().readAllBytes();
            seen.add(
                exchange.getRequestMethod()
                    + " "
                    + exchange.getRequestURI().getPath()
                    + " expect="
                    + exchange.getRequestHeaders().getFirst("Expect")
                    + " auth="
                    + exchange.getRequestHeaders().getFirst("Authorization"));
            exchange.getResponseHeaders().set("ETag", "\"abc\"");
            exchange.sendResponseHeaders(200, -1);
          }
        });
    server.start();
    try {
      S3Config config =
          new S3Config(
              Map.of(
                  CommonKeys.S3_BUCKET, "b",
                  CommonKeys.S3_ENDPOINT, "http://127.0.0.1:" + server.getAddress().getPort(),
                  CommonKeys.S3_PATH_STYLE, "true",
                  CommonKeys.S3_ACCESS_KEY_ID, "file:" + keyId,
                  CommonKeys.S3_SECRET_ACCESS_KEY, "file:" + secret));
      try (S3Client s3 = S3Clients.create(config, ServiceSecrets.of(config, Clock.systemUTC()))) {
        s3.putObject(b -> b.bucket("b").key("k.parquet"), RequestBody.fromBytes(new byte[100_000]));
      }
      assertThat(seen)
          .singleElement()
          .asString()
          .startsWith(
              "PUT /b/k.parquet expect=null auth=AWS4-HMAC-SHA256 Credential=AKIDFROMFILE/");
    } finally {
      server.stop(0);
    }
  }
}
