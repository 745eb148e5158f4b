package io.lmsingest.bench;

import io.lmsingest.localstack.ServiceProcess;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Kafka's own tools as the ceilings of the stages that talk to the broker, each as its own process
 * on the same broker, launch to last record: ConsumerPerformance (read_committed) for a consumer,
 * ProducerPerformance (acks=all) for a producer.
 */
final class KafkaPerformance {
  private static final Pattern PRODUCED =
      Pattern.compile("(\\d+) records sent, ([0-9.]+) records/sec");

  private KafkaPerformance() {}

  /** Records/s of ConsumerPerformance reading {@code records} records of {@code topic}. */
  static double consumer(
      PrintWriter out,
      Path dir,
      String bootstrap,
      String topic,
      long records,
      String heap,
      String group)
      throws Exception {
    try {
      return consumerOnce(dir, bootstrap, topic, records, heap, group);
    } catch (ShortRead e) {
      // Seen here: a fresh group's ConsumerPerformance stopping one transaction short and waiting
      // out its timeout. Once more.
      out.println(
          "ConsumerPerformance fell short ("
              + e.getMessage()
              + "); measuring again with a new group");
      return consumerOnce(dir, bootstrap, topic, records, heap, group + "-again");
    }
  }

  static final class ShortRead extends IOException {
    ShortRead(String message) {
      super(message);
    }
  }

  private static double consumerOnce(
      Path dir, String bootstrap, String topic, long records, String heap, String group)
      throws Exception {
    Path config =
        Files.writeString(
            dir.resolve("cp.properties"),
            "isolation.level=read_committed\nauto.offset.reset=earliest\n");
    List<String> command =
        ServiceProcess.javaCommand(
            List.of("-Xmx" + heap),
            "org.apache.kafka.tools.ConsumerPerformance",
            List.of(
                "--bootstrap-server",
                bootstrap,
                "--topic",
                topic,
                "--num-records",
                Long.toString(records),
                "--group",
                group,
                "--command-config",
                config.toString(),
                "--timeout",
                "30000"));
    long started = System.nanoTime();
    String output = run(command, "ConsumerPerformance");
    double seconds = (System.nanoTime() - started) / 1e9;
    // Its CSV: start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec,
    // rebalance.time.ms, ...
    String[] row =
        output
            .lines()
            .filter(l -> l.matches("^\\d{4}-.*"))
            .reduce((a, b) -> b)
            .orElseThrow(
                () -> new IOException("no result line from ConsumerPerformance: " + output))
            .split(",\\s*");
    long consumed = Long.parseLong(row[4]);
    if (consumed < records) {
      throw new ShortRead("read " + consumed + " of " + records + " records before its timeout");
    }
    return records / seconds;
  }

  /**
   * Records/s of ProducerPerformance sending {@code records} records of {@code recordBytes} each to
   * {@code topic} (acks=all, otherwise Kafka's defaults), launch to last acknowledgement.
   */
  static double producer(String bootstrap, String topic, long records, int recordBytes, String heap)
      throws Exception {
    List<String> command =
        ServiceProcess.javaCommand(
            List.of("-Xmx" + heap),
            "org.apache.kafka.tools.ProducerPerformance",
            List.of(
                "--topic",
                topic,
                "--num-records",
                Long.toString(records),
                "--record-size",
                Integer.toString(recordBytes),
                "--throughput",
                "-1",
                "--producer-props",
                "bootstrap.servers=" + bootstrap,
                "acks=all"));
    long started = System.nanoTime();
    String output = run(command, "ProducerPerformance");
    double seconds = (System.nanoTime() - started) / 1e9;
    Matcher last = null;
    for (String line : output.lines().toList()) {
      Matcher m = PRODUCED.matcher(line);
      if (m.find()) {
        last = m;
      }
    }
    if (last == null || Long.parseLong(last.group(1)) < records) {
      throw new IOException("ProducerPerformance did not send every record: " + output);
    }
    return records / seconds;
  }

  private static String run(List<String> command, String tool) throws Exception {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    if (process.waitFor() != 0) {
      throw new IOException(tool + " failed: " + output);
    }
    return output;
  }
}
