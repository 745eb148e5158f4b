package io.lmsingest.cli;

import io.lmsingest.localstack.StackLayout;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The shared {@code --data-dir} option. */
final class DataDirOption {
  static final String DEFAULT = "lms-data";

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      defaultValue = "${env:LMS_DATA_DIR:-" + DEFAULT + "}",
      description =
          "Where the local stack keeps its data, logs and secrets (default: $LMS_DATA_DIR or ./"
              + DEFAULT
              + ").")
  Path dataDir;

  StackLayout layout() {
    return new StackLayout(dataDir);
  }
}
