package io.lmsingest.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every contract in src/main/avro must read data written with every released version of it (kept in
 * src/test/resources/released/<Name>/vN.avsc). Releasing a schema = adding its file there.
 */
class SchemaCompatibilityTest {
  private static final Path CURRENT = Path.of("src/main/avro");
  private static final Path RELEASED = Path.of("src/test/resources/released");

  static Stream<Path> releasedVersions() throws IOException {
    try (Stream<Path> dirs = Files.list(RELEASED)) {
      List<Path> versions = dirs.flatMap(SchemaCompatibilityTest::list).sorted().toList();
      return versions.stream();
    }
  }

  private static Stream<Path> list(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      return files.toList().stream();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("releasedVersions")
  void currentSchemaReadsEveryReleasedVersion(Path released) throws IOException {
    String name = released.getParent().getFileName().toString();
    Path current = CURRENT.resolve(name + ".avsc");
    assertThat(current).as("released schema %s has no current version", name).exists();
    assertThat(BackwardCompatibility.problems(parse(current), parse(released)))
        .as("%s is not BACKWARD-compatible with %s", current, released)
        .isEmpty();
  }

  @Test
  void everyContractHasAReleasedVersion() throws IOException {
    try (Stream<Path> files = Files.list(CURRENT)) {
      for (Path contract : files.toList()) {
        String name = contract.getFileName().toString().replace(".avsc", "");
        assertThat(RELEASED.resolve(name)).as("no released version of %s", name).isDirectory();
      }
    }
  }

  @Test
  void addingAnOptionalFieldWithDefaultIsAllowed() throws IOException {
    Schema released = parse(CURRENT.resolve("LearnerActivity.avsc"));
    Schema next =
        withField(
            released, "{\"name\":\"grade_band\",\"type\":[\"null\",\"string\"],\"default\":null}");
    assertThat(BackwardCompatibility.problems(next, released)).isEmpty();
  }

  @Test
  void addingARequiredFieldIsRejected() throws IOException {
    Schema released = parse(CURRENT.resolve("LearnerActivity.avsc"));
    Schema next = withField(released, "{\"name\":\"grade_band\",\"type\":\"string\"}");
    assertThat(BackwardCompatibility.problems(next, released))
        .singleElement()
        .asString()
        .contains("READER_FIELD_MISSING_DEFAULT")
        .contains("grade_band");
  }

  @Test
  void changingAFieldTypeIsRejected() throws IOException {
    Schema released = parse(CURRENT.resolve("LearnerActivity.avsc"));
    String json =
        released
            .toString()
            .replace(
                "{\"name\":\"learner_id\",\"type\":\"string\"",
                "{\"name\":\"learner_id\",\"type\":\"long\"");
    assertThat(BackwardCompatibility.problems(new Schema.Parser().parse(json), released))
        .isNotEmpty();
  }

  private static Schema withField(Schema schema, String fieldJson) {
    String json = schema.toString();
    int fieldsEnd = json.lastIndexOf(']');
    return new Schema.Parser()
        .parse(json.substring(0, fieldsEnd) + "," + fieldJson + json.substring(fieldsEnd));
  }

  private static Schema parse(Path file) throws IOException {
    return new Schema.Parser().parse(file.toFile());
  }
}
