package io.lmsingest.localstack;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local S3 server as a process of its own: {@code LocalS3ServerMain <data dir> <port>}. Objects
 * are plain files under the data directory's S3 store; the access keys are the stack's own secrets.
 */
public final class LocalS3ServerMain {
  private static final Logger LOG = LoggerFactory.getLogger(LocalS3ServerMain.class);

  private LocalS3ServerMain() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      System.err.println("usage: LocalS3ServerMain <data dir> <port>");
      System.exit(2);
    }
    StackLayout layout = new StackLayout(Path.of(args[0]));
    int port = Integer.parseInt(args[1]);
    String accessKey = layout.secret("s3-access-key-id", 8);
    String secretKey = layout.secret("s3-secret-access-key", 20);
    CountDownLatch stopped = new CountDownLatch(1);
    try (LocalS3Server server =
        LocalS3Server.start(Optional.of(layout.s3Store()), port, accessKey, secretKey)) {
      Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown, "s3-server-stop"));
      LOG.info(
          "S3 server listening on {} with store {}", server.endpoint().uri(), layout.s3Store());
      stopped.await();
    }
  }
}
