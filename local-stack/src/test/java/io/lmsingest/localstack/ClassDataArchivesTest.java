package io.lmsingest.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real JVMs record, check and map the archives; only the program they run is tiny. */
class ClassDataArchivesTest {
  private static final Path JAVA = Path.of(System.getProperty("java.home"), "bin", "java");

  @TempDir Path dir;
  private Path jar;
  private Path archives;

  @BeforeEach
  void probeJar() throws IOException {
    jar = dir.resolve("probe.jar");
    archives = dir.resolve("cds");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
      for (Class<?> type : List.of(CdsProbeMain.class, CdsProbeMain.Loaded.class)) {
        String entry = type.getName().replace('.', '/') + ".class";
        out.putNextEntry(new JarEntry(entry));
        try (InputStream in = type.getClassLoader().getResourceAsStream(entry)) {
          in.transferTo(out);
        }
        out.closeEntry();
      }
    }
  }

  private ClassDataArchives archives() {
    return new ClassDataArchives(archives, jar.toString(), "jdk-under-test", JAVA);
  }

  /** Runs the probe with {@code options}; returns its output. */
  private String run(List<String> options) throws Exception {
    List<String> command = new ArrayList<>(List.of(JAVA.toString()));
    command.addAll(options);
    command.addAll(List.of("-cp", jar.toString(), CdsProbeMain.class.getName()));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(output).isZero();
    return output;
  }

  private List<Path> files(String glob) throws IOException {
    try (Stream<Path> all = Files.list(archives)) {
      return all.filter(
              p -> p.getFileSystem().getPathMatcher("glob:" + glob).matches(p.getFileName()))
          .toList();
    }
  }

  @Test
  void theFirstStartRecordsAndTheNextMapsTheCheckedArchive() throws Exception {
    List<String> first = archives().options("probe");
    assertThat(first).singleElement().asString().startsWith("-XX:ArchiveClassesAtExit=" + archives);
    run(first);
    assertThat(files("*.part")).hasSize(1);

    List<String> next = archives().options("probe");
    assertThat(next).containsExactly("-XX:SharedArchiveFile=" + archives().archive("probe"));
    assertThat(files("*.part")).isEmpty();
    List<String> strict = new ArrayList<>(next);
    strict.addAll(List.of("-Xshare:on", "-Xlog:class+load=info"));
    assertThat(run(strict))
        .contains(CdsProbeMain.class.getName() + " source: shared objects file (top)");
  }

  @Test
  void aRecordingCutShortIsDeletedUnmappedAndRecordedAgain() throws Exception {
    run(archives().options("probe"));
    Path recording = files("*.part").get(0);
    byte[] whole = Files.readAllBytes(recording);
    Files.write(recording, java.util.Arrays.copyOf(whole, whole.length / 2));
    assertThat(archives().maps(recording)).as("a JVM maps half an archive").isFalse();

    List<String> next = archives().options("probe");
    assertThat(next).singleElement().asString().startsWith("-XX:ArchiveClassesAtExit=");
    assertThat(files("*.part")).isEmpty();
    assertThat(files("*.jsa")).isEmpty();
  }

  @Test
  void aRebuiltJarGetsItsOwnArchiveAndTheOldOneGoes() throws Exception {
    run(archives().options("probe"));
    Path old = archives().archive("probe");
    assertThat(archives().options("probe")).containsExactly("-XX:SharedArchiveFile=" + old);

    Files.setLastModifiedTime(
        jar, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() - 60_000));
    Path rebuilt = archives().archive("probe");
    assertThat(rebuilt).isNotEqualTo(old);
    run(archives().options("probe"));
    assertThat(archives().options("probe")).containsExactly("-XX:SharedArchiveFile=" + rebuilt);
    assertThat(old).doesNotExist();
  }

  @Test
  void anAppJarGetsArchivesInTheConfiguredDirectory() throws Exception {
    List<String> first =
        ClassDataArchives.forJar(
                jar, Map.of(ClassDataArchives.DIRECTORY_VARIABLE, archives.toString()))
            .options("app");
    assertThat(first).singleElement().asString().startsWith("-XX:ArchiveClassesAtExit=" + archives);
    run(first);
    assertThat(
            ClassDataArchives.forJar(
                    jar, Map.of(ClassDataArchives.DIRECTORY_VARIABLE, archives.toString()))
                .options("app"))
        .singleElement()
        .asString()
        .startsWith("-XX:SharedArchiveFile=" + archives.resolve("app-"));
  }

  @Test
  void offOrADirectoryOnTheClassPathMeansNoArchive() {
    assertThat(
            ClassDataArchives.forThisRuntime(Map.of(ClassDataArchives.DIRECTORY_VARIABLE, "off"))
                .options("probe"))
        .isEmpty();
    assertThat(new ClassDataArchives(archives, jar + ":" + dir, "jdk", JAVA).options("probe"))
        .isEmpty();
  }
}
