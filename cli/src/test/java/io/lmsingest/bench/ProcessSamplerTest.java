package io.lmsingest.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class ProcessSamplerTest {
  @Test
  void readsPeakRssAndCpuOfALiveProcessAndAddsUpRestartsOfAService() throws Exception {
    assumeTrue(ProcessSampler.supported(), "needs Linux /proc");
    long self = ProcessHandle.current().pid();
    long[] now = ProcessSampler.read(self);
    assertThat(now).isNotNull();
    assertThat(now[0]).as("VmHWM bytes").isGreaterThan(10L << 20);
    assertThat(now[1]).as("CPU ticks").isGreaterThan(0);

    Process child = new ProcessBuilder("sleep", "30").start();
    try {
      long[] pid = {self};
      try (ProcessSampler sampler =
          new ProcessSampler(
              service -> service.equals("loader") ? OptionalLong.of(pid[0]) : OptionalLong.empty(),
              List.of("loader", "sink"))) {
        sampler.sampleOnce();
        pid[0] = child.pid(); // the service restarted: a second process counts too
        sampler.sampleOnce();
        Map<String, ProcessSampler.Usage> usage = sampler.usage();
        assertThat(usage).containsOnlyKeys("loader");
        // The larger of the two peaks: ours, far above sleep's. It may be up to 1 MiB below our
        // reading before it: the kernel folds RSS into VmHWM lazily, so a later VmHWM can read a
        // little lower (seen in CI: 884,699,136 after 884,744,192 bytes).
        long after = ProcessSampler.read(self)[0];
        assertThat(usage.get("loader").peakRssBytes())
            .isBetween(Math.min(now[0], after) - (1L << 20), Math.max(now[0], after))
            .isGreaterThan(ProcessSampler.read(child.pid())[0]);
        assertThat(usage.get("loader").cpuSeconds()).isGreaterThanOrEqualTo(now[1] / 100.0);
      }
    } finally {
      child.destroy();
    }
  }

  @Test
  void aPeakThatIncludesWritingAClassDataArchiveIsMarked() throws Exception {
    assumeTrue(ProcessSampler.supported(), "needs Linux /proc");
    // Only the command line matters: a shell whose $0 is the option a recording JVM starts with.
    Process recording =
        new ProcessBuilder("sh", "-c", "sleep 30; true", "-XX:ArchiveClassesAtExit=/tmp/x.part")
            .start();
    Process mapping =
        new ProcessBuilder("sh", "-c", "sleep 30; true", "-XX:SharedArchiveFile=/tmp/x.jsa")
            .start();
    try (ProcessSampler sampler =
        new ProcessSampler(
            service -> OptionalLong.of(service.equals("sink") ? recording.pid() : mapping.pid()),
            List.of("sink", "poller"))) {
      sampler.sampleOnce();
      Map<String, ProcessSampler.Usage> usage = sampler.usage();
      assertThat(usage.get("sink").recordedArchive()).isTrue();
      assertThat(usage.get("poller").recordedArchive()).isFalse();
      assertThat(EndToEndBench.peakRss(usage.get("sink"))).endsWith(" r");
      assertThat(EndToEndBench.peakRss(usage.get("poller"))).matches("\\d+");
    } finally {
      recording.destroy();
      mapping.destroy();
    }
  }

  @Test
  void aProcessThatIsGoneReadsAsNothing() throws Exception {
    Process child = new ProcessBuilder("true").start();
    child.waitFor();
    assertThat(ProcessSampler.read(child.pid())).isNull();
  }
}
