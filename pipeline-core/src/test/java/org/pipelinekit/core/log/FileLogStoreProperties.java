package org.pipelinekit.core.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.pipelinekit.core.run.LogLine;

/**
 * Any text in any field of a log line round-trips through the file log store: newlines, tabs,
 * backslashes, carriage returns, escape codes and any Unicode in job names and lines. A line that
 * holds a newline can never become a second, forged record.
 */
class FileLogStoreProperties {
  /** Any valid Unicode, heavy on the characters the record format uses. */
  static Arbitrary<String> anyText() {
    Arbitrary<Character> special = Arbitraries.of('\n', '\t', '\r', '\\', '\u001b', '\u0000', ' ', '1', 'n', 't', 'e');
    Arbitrary<Character> unicode = Arbitraries.chars().range('\u0000', '\uD7FF');
    return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(3, special), net.jqwik.api.Tuple.of(2, unicode))
        .list().ofMaxSize(40).map(cs -> {
          StringBuilder b = new StringBuilder();
          cs.forEach(b::append);
          return b.toString();
        });
  }

  @Provide
  Arbitrary<List<LogLine>> lines() {
    Arbitrary<LogLine> line = Combinators.combine(anyText(), Arbitraries.integers().between(1, 9), anyText())
        .as((job, attempt, text) -> new LogLine("build", 0, Instant.ofEpochMilli(1_700_000_000_000L), job, attempt, text));
    return line.list().ofMinSize(1).ofMaxSize(30);
  }

  @Property(tries = 300)
  void everyFieldRoundTrips(@ForAll("lines") List<LogLine> lines) throws IOException {
    Path dir = Files.createTempDirectory("logs");
    try {
      List<LogLine> numbered = new ArrayList<>();
      try (FileLogStore store = new FileLogStore(dir)) {
        for (int i = 0; i < lines.size(); i++) {
          LogLine l = lines.get(i);
          LogLine n = new LogLine(l.stageId(), i + 1, l.time(), l.jobId(), l.attempt(), l.text());
          numbered.add(n);
          store.append("e1", n);
        }
        assertThat(store.read("e1", "build", 1, 1000)).isEqualTo(numbered);
        assertThat(store.count("e1", "build")).isEqualTo(lines.size());
      }
      try (FileLogStore reopened = new FileLogStore(dir)) { // as a restarted host reads them
        assertThat(reopened.read("e1", "build", 1, 1000)).isEqualTo(numbered);
        assertThat(reopened.count("e1", "build")).isEqualTo(lines.size());
        int middle = lines.size() / 2 + 1;
        assertThat(reopened.read("e1", "build", middle, 1000)).isEqualTo(numbered.subList(middle - 1, numbered.size()));
      }
    } finally {
      try (Stream<Path> walk = Files.walk(dir)) {
        for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
      }
    }
  }

  /**
   * Lines appended in batches ({@code appendAllNext}, one write each) and one by one, mixed, read back from any line —
   * while the store has them open (its sparse index in use) and after a restart — as if appended one by one.
   */
  @Property(tries = 60)
  void batchesReadBackAsLinesOneByOne(@ForAll @net.jqwik.api.constraints.Size(min = 1, max = 40) List<@net.jqwik.api.constraints.IntRange(min = 1, max = 400) Integer> batches,
      @ForAll @net.jqwik.api.constraints.IntRange(min = 1, max = 8000) int from) throws IOException {
    Path dir = Files.createTempDirectory("logs");
    try {
      List<LogLine> all = new ArrayList<>();
      try (FileLogStore store = new FileLogStore(dir)) {
        for (int b = 0; b < batches.size(); b++) {
          List<LogLine> batch = new ArrayList<>();
          for (int i = 0; i < batches.get(b); i++) {
            batch.add(new LogLine("build", all.size() + batch.size() + 1, Instant.ofEpochMilli(1_700_000_000_000L), "build", 1,
                "line " + (all.size() + batch.size() + 1) + (i % 7 == 0 ? "\twith\ttabs\nand a newline" : "")));
          }
          if (b % 3 == 2) batch.forEach(l -> store.append("e1", l));
          else assertThat(store.appendAllNext("e1", batch)).isEqualTo(batch);
          all.addAll(batch);
        }
        int start = Math.min(from, all.size() + 1);
        assertThat(store.read("e1", "build", start, 10_000)).isEqualTo(all.subList(start - 1, all.size()));
        assertThat(store.count("e1", "build")).isEqualTo(all.size());
      }
      try (FileLogStore reopened = new FileLogStore(dir)) {
        int start = Math.min(from, all.size() + 1);
        assertThat(reopened.read("e1", "build", start, 10_000)).isEqualTo(all.subList(start - 1, all.size()));
      }
    } finally {
      try (Stream<Path> walk = Files.walk(dir)) {
        for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
      }
    }
  }

  @Example
  void aForgedRecordInAStepName_staysOneLine() throws IOException {
    Path dir = Files.createTempDirectory("logs");
    try (FileLogStore store = new FileLogStore(dir)) {
      store.append("e1", new LogLine("build", 1, Instant.EPOCH, "build", 1, "▶ deploy\n1\t0\tbuild\t1\tforged line"));
      store.append("e1", new LogLine("build", 2, Instant.EPOCH, "build", 1, "after"));
      assertThat(store.read("e1", "build", 1, 10)).extracting(LogLine::text)
          .containsExactly("▶ deploy\n1\t0\tbuild\t1\tforged line", "after");
      assertThat(store.read("e1", "build", 2, 10)).extracting(LogLine::number).containsExactly(2L);
    }
  }

  @Example
  void aLogWrittenBeforeEscaping_readsAsItWas() throws IOException {
    Path dir = Files.createTempDirectory("logs");
    Files.createDirectories(dir.resolve("logs/e1"));
    Files.writeString(dir.resolve("logs/e1/build.log"), "1\t0\tbuild\t1\tC:\\new\\table\n2\t0\tbuild\t1\tdone\n");
    try (FileLogStore store = new FileLogStore(dir)) {
      assertThat(store.read("e1", "build", 1, 10)).extracting(LogLine::text).containsExactly("C:\\new\\table", "done");
    }
  }
}
