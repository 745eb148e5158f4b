package io.lmsingest.cli;

import io.lmsingest.localstack.LocalS3Server;
import io.lmsingest.localstack.StackLayout;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The local S3 server as a process of its own (started by {@code infra up}). */
@Command(name = "s3-server", hidden = true, mixinStandardHelpOptions = true,
    description = "Run the local S3 API server (s3proxy) on the data directory until stopped.")
final class S3ServerCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(S3ServerCommand.class);

  @Mixin DataDirOption data;

  @Option(names = "--port", defaultValue = "9000", description = "Port on 127.0.0.1 (default ${DEFAULT-VALUE}).")
  int port;

  @Override
  public Integer call() throws Exception {
    StackLayout layout = data.layout();
    String accessKey = layout.secret("s3-access-key-id", 8);
    String secretKey = layout.secret("s3-secret-access-key", 20);
    CountDownLatch stopped = new CountDownLatch(1);
    try (LocalS3Server server = LocalS3Server.start(Optional.of(layout.s3Store()), port, accessKey, secretKey)) {
      Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown, "s3-server-stop"));
      LOG.info("S3 server listening on {} with store {}", server.endpoint().uri(), layout.s3Store());
      stopped.await();
    }
    return 0;
  }
}
