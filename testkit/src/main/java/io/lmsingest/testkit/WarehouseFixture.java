package io.lmsingest.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.UUID;
import java.util.stream.Stream;

/** Real DuckDB databases, one file per test, under a directory removed at the end of the run. */
public final class WarehouseFixture implements AutoCloseable {
  private final Path root;

  private WarehouseFixture(Path root) {
    this.root = root;
  }

  static WarehouseFixture start() {
    try {
      return new WarehouseFixture(Files.createTempDirectory("lms-warehouse-"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Path of a database file no other test uses (not yet created). */
  public Path newDatabase() {
    return root.resolve("warehouse-" + UUID.randomUUID() + ".duckdb");
  }

  /**
   * Opens {@code database}. Extensions cannot be downloaded here, so auto-install is off (fail
   * fast) and any extension directory stays inside the fixture, not in the user's home.
   */
  public Connection connect(Path database) throws SQLException {
    Connection connection = DriverManager.getConnection("jdbc:duckdb:" + database);
    try (Statement statement = connection.createStatement()) {
      statement.execute("SET autoinstall_known_extensions = false");
      statement.execute("SET autoload_known_extensions = false");
      statement.execute("SET extension_directory = '" + root.resolve("extensions") + "'");
    }
    return connection;
  }

  @Override
  public void close() throws IOException {
    try (Stream<Path> files = Files.walk(root)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
