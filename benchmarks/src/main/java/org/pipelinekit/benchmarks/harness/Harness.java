package org.pipelinekit.benchmarks.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** What the side-by-side harnesses share: medians, running the other tool, flushing the disk, removing trees. */
final class Harness {
  private Harness() {}

  static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  /** "min …, median …, max …" of a variant's figures, in {@code unit}. */
  static String spread(List<Double> values, String unit) {
    return String.format(java.util.Locale.ROOT, "min %.0f %s, median %.0f %s, max %.0f %s (%d runs)", Collections.min(values), unit,
        median(values), unit, Collections.max(values), unit, values.size());
  }

  /** Runs a command with this process's output, failing when it fails. */
  static void run(List<String> cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).inheritIO().start();
    if (p.waitFor() != 0) throw new IllegalStateException(cmd + " failed");
  }

  /** Flushes written data to disk, so one variant's writes do not slow the next one's reads. */
  /** The machine's load averages and process counts, as /proc/loadavg has them. */
  static String load() throws IOException {
    return Files.readString(Path.of("/proc/loadavg")).strip();
  }

  static void sync() throws IOException, InterruptedException {
    run(List.of("sync"));
  }

  static void delete(Path dir) throws IOException {
    if (!Files.exists(dir)) return;
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
    }
  }
}
