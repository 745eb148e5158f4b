package io.lmsingest.localstack;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Class-data-sharing archives (JDK AppCDS) for the JVMs the local stack starts. The local stack
 * starts nine JVMs on a box where they share the same cores, and each spent ~1.5–2 CPU s loading
 * and verifying the same classes at every start. The first start of a process records its classes
 * when it exits; later starts map that archive instead.
 *
 * <p>A recording is written at exit and can be cut short (SIGKILL, a full disk). A JVM mapping a
 * cut-short archive crashes, whatever {@code -Xshare} says (seen on JDK 17), so a recording is
 * written as a {@code .part} file and only becomes the archive once a throw-away JVM has mapped all
 * of it ({@code -Xshare:on -version}). An archive is named by the process and a fingerprint of the
 * runtime and the class path (every entry's size and modification time), so a rebuild or another
 * JDK records anew; older archives of that process are deleted when a new one is adopted.
 */
public final class ClassDataArchives {
  /** Environment variable: the archive directory, or {@code off}. */
  public static final String DIRECTORY_VARIABLE = "LMS_CDS_DIR";

  /** The JVM option of a start that records its archive when it exits. */
  public static final String RECORDING_OPTION = "-XX:ArchiveClassesAtExit=";

  private static final Logger LOG = LoggerFactory.getLogger(ClassDataArchives.class);
  private static final String ARCHIVE = ".jsa";
  private static final String RECORDING = ".part";

  private final Path directory;
  private final String classPath;
  private final String runtime;
  private final Path javaLauncher;
  // Computed at the first options(), not when the launcher builds its stack: commands that start
  // no JVM stat no jar. Empty when the class path holds a directory: the JDK archives classes from
  // jars only (with a build's target/classes it refuses to record, with an error at exit).
  private String fingerprint;

  ClassDataArchives(Path directory, String classPath, String runtime, Path java) {
    this.directory = directory;
    this.classPath = classPath;
    this.runtime = runtime;
    this.javaLauncher = java;
  }

  /**
   * For JVMs started on this JVM's own runtime and class path ({@link ServiceProcess#javaCommand}):
   * archives in {@code $LMS_CDS_DIR}, by default {@code ~/.cache/lms-ingest/cds}; none if it is
   * {@code off}.
   */
  public static ClassDataArchives forThisRuntime(Map<String, String> environment) {
    return new ClassDataArchives(
        directory(environment),
        System.getProperty("java.class.path"),
        runtime(),
        ServiceProcess.javaLauncher());
  }

  /** For JVMs started on this runtime with {@code java -jar jar} (the registry's app). */
  public static ClassDataArchives forJar(Path jar, Map<String, String> environment) {
    return new ClassDataArchives(
        directory(environment), jar.toString(), runtime(), ServiceProcess.javaLauncher());
  }

  private static Path directory(Map<String, String> environment) {
    String configured = environment.getOrDefault(DIRECTORY_VARIABLE, "").trim();
    if (configured.equals("off")) {
      return null;
    }
    return configured.isEmpty()
        ? Path.of(System.getProperty("user.home"), ".cache", "lms-ingest", "cds")
        : Path.of(configured);
  }

  private static String runtime() {
    return System.getProperty("java.home") + "|" + System.getProperty("java.vm.version");
  }

  /**
   * The JVM options for the next start of {@code process}: map its archive if there is one (a
   * finished recording is checked and adopted first), else record one at exit. None when archives
   * are off, the class path holds a directory, or the archive directory cannot be written: sharing
   * only saves time, it is never required.
   */
  public List<String> options(String process) {
    if (directory == null) {
      return List.of();
    }
    try {
      if (fingerprint().isEmpty()) {
        return List.of();
      }
      Files.createDirectories(directory);
      Path archive = archive(process);
      if (Files.isRegularFile(archive) || adoptRecording(process, archive)) {
        return List.of("-XX:SharedArchiveFile=" + archive);
      }
      Path recording = directory.resolve(prefix(process) + UUID.randomUUID() + RECORDING);
      return List.of(RECORDING_OPTION + recording);
    } catch (IOException | UncheckedIOException e) {
      LOG.warn("{} starts without a class-data archive: {} ({})", process, e, directory);
      return List.of();
    }
  }

  Path archive(String process) {
    return directory.resolve(process + "-" + fingerprint() + ARCHIVE);
  }

  private String prefix(String process) {
    return process + "-" + fingerprint() + ".";
  }

  /**
   * Adopts the first finished recording of {@code process} that a JVM can map; deletes the ones it
   * cannot and, once one is adopted, the archives of earlier builds.
   */
  private boolean adoptRecording(String process, Path archive) throws IOException {
    boolean adopted = false;
    for (Path recording : list(prefix(process) + "*" + RECORDING)) {
      if (!adopted && maps(recording)) {
        try {
          Files.move(recording, archive, StandardCopyOption.ATOMIC_MOVE);
          adopted = true;
        } catch (NoSuchFileException e) {
          // another launcher adopted or deleted it first
        } catch (AtomicMoveNotSupportedException e) {
          Files.deleteIfExists(recording);
        }
      } else {
        Files.deleteIfExists(recording);
      }
    }
    if (adopted) {
      for (Path earlier : list(process + "-*" + ARCHIVE)) {
        if (!earlier.equals(archive)) {
          Files.deleteIfExists(earlier);
        }
      }
    }
    return adopted || Files.isRegularFile(archive);
  }

  /** True if a JVM on this class path maps all of {@code file} and runs. */
  boolean maps(Path file) throws IOException {
    Path errorFile = Files.createTempFile("lms-cds-check", ".log");
    try {
      Process check =
          new ProcessBuilder(
                  javaLauncher.toString(),
                  "-Xshare:on",
                  "-XX:SharedArchiveFile=" + file,
                  "-XX:ErrorFile=" + errorFile,
                  "-cp",
                  classPath,
                  "-version")
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (!check.waitFor(60, TimeUnit.SECONDS)) {
        check.destroyForcibly();
        return false;
      }
      return check.exitValue() == 0;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } finally {
      Files.deleteIfExists(errorFile);
    }
  }

  private List<Path> list(String glob) throws IOException {
    List<Path> found = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, glob)) {
      files.forEach(found::add);
    }
    found.sort(null);
    return found;
  }

  /** Synchronized: the launcher starts its processes from several threads at once. */
  private synchronized String fingerprint() {
    if (fingerprint == null) {
      fingerprint = hasDirectory(classPath) ? "" : fingerprint(runtime, classPath);
    }
    return fingerprint;
  }

  private static boolean hasDirectory(String classPath) {
    for (String entry : classPath.split(File.pathSeparator)) {
      if (Files.isDirectory(Path.of(entry))) {
        return true;
      }
    }
    return false;
  }

  /** A short hash of the runtime and of every class path entry's path, size and mtime. */
  static String fingerprint(String runtime, String classPath) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update(runtime.getBytes(StandardCharsets.UTF_8));
      for (String entry : classPath.split(File.pathSeparator)) {
        Path path = Path.of(entry);
        String stamp =
            Files.isRegularFile(path)
                ? Files.size(path) + "@" + Files.getLastModifiedTime(path).toMillis()
                : "-";
        digest.update(("\n" + entry + "|" + stamp).getBytes(StandardCharsets.UTF_8));
      }
      return HexFormat.of().formatHex(digest.digest(), 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
