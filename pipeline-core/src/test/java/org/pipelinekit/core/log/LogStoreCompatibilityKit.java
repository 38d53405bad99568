package org.pipelinekit.core.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.pipelinekit.core.testing.StoreKit;
import org.pipelinekit.core.run.LogLine;
import org.pipelinekit.core.spi.LogStore;

/**
 * What every {@link LogStore} must do: lines per stage kept in order with every character, read from
 * any line with a limit, counted, deleted, and (for stores that persist) readable after a reopen.
 */
public abstract class LogStoreCompatibilityKit extends StoreKit<LogStore> {
  private static LogLine line(String stage, long n, String text) {
    return new LogLine(stage, n, Instant.ofEpochMilli(1_700_000_000_000L + n), "job[os=linux]", 1, text);
  }

  private List<LogLine> write(String execution, String stage, int count) {
    List<LogLine> lines = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      LogLine l = line(stage, i, "line " + i);
      store.append(execution, l);
      lines.add(l);
    }
    return lines;
  }

  @Test
  void linesReadBackInOrder_fromAnyLine_withALimit() {
    List<LogLine> lines = write("e1", "build", 3000);
    assertThat(store.read("e1", "build", 1, 10_000)).isEqualTo(lines);
    assertThat(store.read("e1", "build", 2500, 100)).isEqualTo(lines.subList(2499, 2599));
    assertThat(store.read("e1", "build", 3001, 10)).isEmpty();
    assertThat(store.count("e1", "build")).isEqualTo(3000);
  }

  @Test
  void stagesAndExecutionsAreSeparate_andUnknownOnesAreEmpty() {
    write("e1", "build", 5);
    write("e1", "test", 2);
    write("e2", "build", 1);
    assertThat(store.count("e1", "build")).isEqualTo(5);
    assertThat(store.count("e1", "test")).isEqualTo(2);
    assertThat(store.read("e2", "build", 1, 10)).hasSize(1);
    assertThat(store.read("e3", "build", 1, 10)).isEmpty();
    assertThat(store.count("e3", "build")).isZero();
  }

  @Test
  void everyCharacterIsKept() {
    List<String> texts = List.of("\u001b[31mred\u001b[0m", "tab\there", "progress\rdone", "back\\slash \\n not a newline",
        "two\nlines", "ünïcødé 漢字 😀", "", "1\t0\tforged\t1\tline");
    for (int i = 0; i < texts.size(); i++) store.append("e1", line("build", i + 1, texts.get(i)));
    assertThat(store.read("e1", "build", 1, 100)).extracting(LogLine::text).containsExactlyElementsOf(texts);
  }

  @Test
  void delete_forgetsAnExecutionsLogs_andFinishKeepsThemReadable() {
    write("e1", "build", 10);
    store.finish("e1");
    assertThat(store.read("e1", "build", 1, 100)).hasSize(10);
    assertThat(store.bytes("e1")).isNotZero();
    store.delete("e1");
    assertThat(store.read("e1", "build", 1, 100)).isEmpty();
  }

  @Test
  void linesSurviveAReopen() throws Exception {
    List<LogLine> lines = write("e1", "build", 1500);
    if (!reopened()) return; // a store that keeps nothing across restarts
    assertThat(store.read("e1", "build", 1200, 1000)).isEqualTo(lines.subList(1199, 1500));
    assertThat(store.count("e1", "build")).isEqualTo(1500);
  }

  /**
   * Lines handed over together ({@code appendAllNext}, what one read of a step's output held) are stored as if appended
   * one by one, between lines appended alone; from two writers at once (the jobs of one stage on two hosts) none is lost
   * and a store that numbers lines gives each batch consecutive numbers, every number once.
   */
  @Test
  void batchesAreStoredAsLinesOneByOne_evenFromTwoWritersAtOnce() throws Exception {
    List<LogLine> expected = new ArrayList<>();
    expected.add(store.appendNext("e1", line("build", 1, "alone")));
    List<LogLine> batch = new ArrayList<>();
    for (int i = 2; i <= 600; i++) batch.add(line("build", i, "batched " + i));
    List<LogLine> stored = store.appendAllNext("e1", batch);
    assertThat(stored).extracting(LogLine::text).isEqualTo(batch.stream().map(LogLine::text).toList());
    assertThat(stored).extracting(LogLine::number).isEqualTo(java.util.stream.LongStream.rangeClosed(2, 600).boxed().toList());
    expected.addAll(stored);
    expected.add(store.appendNext("e1", line("build", 601, "alone again")));
    assertThat(store.read("e1", "build", 1, 10_000)).isEqualTo(expected);
    if (!store.numbersLines()) return; // (the engine numbers lines for stores that do not: one writer a stage)

    java.util.concurrent.ExecutorService two = java.util.concurrent.Executors.newFixedThreadPool(2);
    try {
      List<java.util.concurrent.Future<List<List<LogLine>>>> writers = new ArrayList<>();
      for (String writer : List.of("a", "b")) {
        writers.add(two.submit(() -> {
          List<List<LogLine>> batches = new ArrayList<>();
          for (int b = 0; b < 20; b++) {
            List<LogLine> lines = new ArrayList<>();
            for (int i = 0; i < 25; i++) lines.add(line("test", 0, writer + " " + b + " " + i));
            batches.add(store.appendAllNext("e1", lines));
          }
          return batches;
        }));
      }
      java.util.Set<Long> numbers = new java.util.TreeSet<>();
      for (var w : writers) {
        for (List<LogLine> b : w.get(60, java.util.concurrent.TimeUnit.SECONDS)) {
          for (int i = 1; i < b.size(); i++) assertThat(b.get(i).number()).isEqualTo(b.get(i - 1).number() + 1);
          b.forEach(l -> numbers.add(l.number()));
        }
      }
      assertThat(numbers).hasSize(1000).first().isEqualTo(1L);
      assertThat(numbers).last().isEqualTo(1000L);
      assertThat(store.read("e1", "test", 1, 10_000)).hasSize(1000);
    } finally {
      two.shutdownNow();
    }
  }
}
