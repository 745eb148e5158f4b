package io.lmsingest.kit.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A service's local working directory (the sink's Parquet files in the making, the loader's
 * downloaded batch), one subdirectory per process, {@code pid-<pid>}: what a process that is gone
 * left behind (SIGKILLed mid-file) is removed when the next one starts, and two processes given the
 * same directory (a replay beside the service) never touch each other's files.
 */
public final class ProcessWorkDir {
  private static final Logger LOG = LoggerFactory.getLogger(ProcessWorkDir.class);
  private static final String PREFIX = "pid-";

  private ProcessWorkDir() {}

  /** This process's directory under {@code root}, empty, after removing dead processes' ones. */
  public static Path claim(Path root) throws IOException {
    Files.createDirectories(root);
    long self = ProcessHandle.current().pid();
    List<Path> children;
    try (Stream<Path> list = Files.list(root)) {
      children = list.toList();
    }
    for (Path child : children) {
      String name = child.getFileName().toString();
      if (!name.matches(PREFIX + "\\d+") || !Files.isDirectory(child)) {
        continue;
      }
      long owner = Long.parseLong(name.substring(PREFIX.length()));
      // Our own pid here is a leftover too: an earlier process had it (a container's pid 1).
      if (owner == self || ProcessHandle.of(owner).map(p -> !p.isAlive()).orElse(true)) {
        long files = deleteTree(child);
        if (files > 0) {
          LOG.info(
              "removed {} file(s) left in {} by process {}, which is gone", files, child, owner);
        }
      }
    }
    Path mine = root.resolve(PREFIX + self);
    Files.createDirectories(mine);
    return mine;
  }

  /** Deletes a directory tree; returns how many regular files it held. */
  public static long deleteTree(Path dir) throws IOException {
    long files = 0;
    List<Path> paths;
    try (Stream<Path> walk = Files.walk(dir)) {
      paths = walk.sorted(Comparator.reverseOrder()).toList();
    }
    for (Path p : paths) {
      if (Files.isRegularFile(p)) {
        files++;
      }
      Files.deleteIfExists(p);
    }
    return files;
  }
}
