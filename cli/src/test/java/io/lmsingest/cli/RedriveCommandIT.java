package io.lmsingest.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.lmsingest.schemas.DlqHeaders;
import io.lmsingest.testkit.IntegrationTest;
import io.lmsingest.testkit.KafkaFixture;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code redrive} as an operator runs it: with the validator's config file. */
@IntegrationTest
class RedriveCommandIT {
  @Test
  void redrivesTheChosenRuleOnceAndSaysWhatItDid(KafkaFixture kafka, @TempDir Path dir)
      throws Exception {
    String dlq = kafka.createTopic("dlq", 1);
    String raw = kafka.createTopic("raw", 1);
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(
            kafka.producerConfig(), new StringSerializer(), new StringSerializer())) {
      for (String rule : List.of("undecodable", "missing_learner_id")) {
        List<Header> headers =
            List.of(
                new RecordHeader(DlqHeaders.RULE, rule.getBytes(StandardCharsets.UTF_8)),
                new RecordHeader(DlqHeaders.SOURCE_TOPIC, raw.getBytes(StandardCharsets.UTF_8)));
        producer.send(new ProducerRecord<>(dlq, 0, "k-" + rule, "v", headers));
      }
    }
    Path config =
        Files.writeString(
            dir.resolve("validator.properties"),
            "bootstrap.servers="
                + kafka.bootstrapServers()
                + "\nschema.registry.url=http://127.0.0.1:9/apis/ccompat/v7\ntopic.dlq="
                + dlq
                + "\n");
    String[] redrive = {
      "redrive",
      "--config",
      config.toString(),
      "--rule",
      "undecodable",
      "--ledger-topic",
      dlq + "-r"
    };

    assertThat(run(append(redrive, "--dry-run"))).contains("1 selected, 1 would be redriven");
    assertThat(run(redrive)).contains("1 selected, 1 redriven, 0 redriven before");
    assertThat(run(redrive)).contains("1 selected, 0 redriven, 1 redriven before");

    StringWriter err = new StringWriter();
    CommandLine bad = LmsIngest.commandLine();
    bad.setErr(new PrintWriter(err, true));
    assertThat(bad.execute(append(redrive, "--from-offset", "5", "--to-offset", "2"))).isEqualTo(2);
    assertThat(err.toString()).contains("--to-offset 2 is before --from-offset 5");
  }

  private static String run(String... args) {
    StringWriter out = new StringWriter();
    CommandLine cli = LmsIngest.commandLine();
    cli.setOut(new PrintWriter(out, true));
    assertThat(cli.execute(args)).isZero();
    return out.toString();
  }

  private static String[] append(String[] args, String... more) {
    String[] all = java.util.Arrays.copyOf(args, args.length + more.length);
    System.arraycopy(more, 0, all, args.length, more.length);
    return all;
  }
}
