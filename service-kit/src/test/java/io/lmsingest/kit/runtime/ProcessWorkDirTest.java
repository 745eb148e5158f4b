package io.lmsingest.kit.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessWorkDirTest {
  @Test
  void aDeadProcesssLeftoversGoALiveOnesStay(@TempDir Path root) throws Exception {
    Process finished = new ProcessBuilder("true").start();
    finished.waitFor();
    Process running = new ProcessBuilder("sleep", "60").start();
    try {
      Path dead = root.resolve("pid-" + finished.pid());
      Files.createDirectories(dead.resolve("batch"));
      Files.writeString(dead.resolve("batch/a.parquet.partial"), "half a file");
      Path alive = root.resolve("pid-" + running.pid());
      Files.createDirectories(alive);
      Files.writeString(alive.resolve("b.parquet.partial"), "in the making");
      Path mine = root.resolve("pid-" + ProcessHandle.current().pid());
      Files.createDirectories(mine);
      Files.writeString(mine.resolve("c.parquet.partial"), "from an earlier process with our pid");
      Files.writeString(root.resolve("notes.txt"), "not ours to remove");

      Path claimed = ProcessWorkDir.claim(root);

      assertThat(claimed).isEqualTo(mine).isEmptyDirectory();
      assertThat(dead).doesNotExist();
      assertThat(alive.resolve("b.parquet.partial")).exists();
      assertThat(root.resolve("notes.txt")).exists();
    } finally {
      running.destroyForcibly();
    }
  }
}
