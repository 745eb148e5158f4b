package io.lmsingest.cli;

import io.lmsingest.kit.config.ServiceConfigFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.ConfigDef;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code --config FILE} and {@code --describe-config}, shared by every service command. */
final class ServiceConfigOptions {
  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  @Option(names = "--config", paramLabel = "FILE", description = "The service's properties file.")
  Path config;

  @Option(
      names = "--describe-config",
      description = "Print every key with its default and documentation, then exit.")
  boolean describe;

  /**
   * The file's values, or empty after printing {@code definition} for --describe-config. Fails with
   * a usage error when neither is given.
   */
  Optional<Map<String, String>> valuesOrDescribe(ConfigDef definition) throws IOException {
    if (describe) {
      spec.commandLine().getOut().println(definition.toEnrichedRst());
      return Optional.empty();
    }
    if (config == null) {
      throw new ParameterException(spec.commandLine(), "--config FILE is required");
    }
    return Optional.of(ServiceConfigFile.read(config));
  }
}
