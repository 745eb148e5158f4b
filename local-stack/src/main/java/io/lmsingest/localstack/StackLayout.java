package io.lmsingest.localstack;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Properties;

/**
 * Where the local stack keeps things under its data directory. Everything a user may want to
 * inspect is a plain file: Bronze objects under {@code s3/<bucket>/}, the DuckDB warehouse, the
 * ground truth, and one log per service under {@code logs/}.
 */
public record StackLayout(Path root) {
  public static final String BUCKET = "lms-bronze";

  public StackLayout {
    root = root.toAbsolutePath().normalize();
  }

  public Path kafkaHome() {
    return root.resolve("kafka");
  }

  public Path registryHome() {
    return root.resolve("registry");
  }

  public Path s3Store() {
    return root.resolve("s3");
  }

  public Path warehouse() {
    return root.resolve("warehouse.duckdb");
  }

  public Path groundTruth() {
    return root.resolve("ground-truth.parquet");
  }

  public Path logs() {
    return root.resolve("logs");
  }

  public Path run() {
    return root.resolve("run");
  }

  public Path secrets() {
    return root.resolve("secrets");
  }

  public Path settingsFile() {
    return root.resolve("stack.properties");
  }

  /**
   * The process's {@code java.io.tmpdir}. Native libraries unpack there at every start (DuckDB's is
   * 58 MB) and are removed only by a clean exit: a SIGKILL leaves them, so the launcher empties the
   * directory before each start instead of letting them pile up in /tmp.
   */
  public Path tmp(String service) {
    return root.resolve("tmp").resolve(service);
  }

  public Path pidFile(String service) {
    return run().resolve(service + ".pid");
  }

  public Path logFile(String service) {
    return logs().resolve(service + ".log");
  }

  /**
   * Settings chosen at the first {@code infra up}, so later starts reuse ports, seed and start
   * time.
   */
  public Properties loadSettings() throws IOException {
    Properties settings = new Properties();
    if (Files.isRegularFile(settingsFile())) {
      try (Reader in = Files.newBufferedReader(settingsFile(), StandardCharsets.UTF_8)) {
        settings.load(in);
      }
    }
    return settings;
  }

  public void saveSettings(Properties settings) throws IOException {
    Files.createDirectories(root);
    try (Writer out = Files.newBufferedWriter(settingsFile(), StandardCharsets.UTF_8)) {
      settings.store(out, "lms-ingest local stack; edit only while it is down");
    }
  }

  /**
   * Reads the secret in {@code secrets/<name>}, creating it with a random value (owner-only
   * permissions) the first time. The value is never printed; only the file is named.
   */
  public String secret(String name, int randomBytes) throws IOException {
    Path file = secrets().resolve(name);
    if (!Files.isRegularFile(file)) {
      Files.createDirectories(secrets());
      Files.setPosixFilePermissions(secrets(), PosixFilePermissions.fromString("rwx------"));
      Files.writeString(file, LocalS3Server.randomHex(randomBytes), StandardCharsets.US_ASCII);
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    }
    return Files.readString(file, StandardCharsets.US_ASCII).trim();
  }

  public Path secretFile(String name) {
    return secrets().resolve(name);
  }
}
