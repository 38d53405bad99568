package org.pipelinekit.benchmarks.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.pipelinekit.core.engine.ExecutionSnapshot;
import org.pipelinekit.core.run.ExecutionStatus;
import org.pipelinekit.core.engine.PipelineExecutor;
import org.pipelinekit.core.model.Pipeline;

/**
 * The same 200-stage DAG of {@code /bin/true} — 20 levels of 10, each stage needing all 10 of the
 * level before — run by the engine with 2 slots, by {@code make -j2} and by {@code ninja -j2}, each timed from start to
 * end after a warm-up run (so JVM start-up is not counted), the three taking turns at going first. Prints min/median/max of each and the ratios of the medians; the goal is engine ≤
 * 1.25 × make.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar org.pipelinekit.benchmarks.harness.EngineVsMake [rounds]</pre>
 */
public final class EngineVsMake {
  static final int LEVELS = 20;
  static final int WIDTH = 10;

  private EngineVsMake() {}

  static String id(int level, int i) {
    return "l" + level + "-s" + i;
  }

  static Pipeline pipeline() {
    Pipeline.Builder b = Pipeline.builder("versus-make");
    for (int level = 0; level < LEVELS; level++) {
      for (int i = 0; i < WIDTH; i++) {
        List<String> needs = new ArrayList<>();
        if (level > 0) for (int k = 0; k < WIDTH; k++) needs.add(id(level - 1, k));
        int l = level;
        b.stage(id(level, i), s -> s.needs(needs.toArray(String[]::new)).run("/bin/true"));
      }
    }
    return b.build();
  }

  static String makefile() {
    StringBuilder sb = new StringBuilder(".PHONY: all");
    for (int level = 0; level < LEVELS; level++) for (int i = 0; i < WIDTH; i++) sb.append(' ').append(id(level, i));
    sb.append("\nall:");
    for (int i = 0; i < WIDTH; i++) sb.append(' ').append(id(LEVELS - 1, i));
    sb.append('\n');
    for (int level = 0; level < LEVELS; level++) {
      for (int i = 0; i < WIDTH; i++) {
        sb.append(id(level, i)).append(':');
        if (level > 0) for (int k = 0; k < WIDTH; k++) sb.append(' ').append(id(level - 1, k));
        sb.append("\n\t/bin/true\n");
      }
    }
    return sb.toString();
  }

  static long make(Path makefile) throws IOException, InterruptedException {
    long start = System.nanoTime();
    Process p = new ProcessBuilder("make", "-s", "-j2", "-f", makefile.toString(), "all")
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) throw new IllegalStateException("make failed");
    return System.nanoTime() - start;
  }

  /** The same DAG for ninja: an edge per stage, its needs as implicit inputs (no outputs are made, so every run runs all). */
  static String ninjafile() {
    StringBuilder sb = new StringBuilder("rule run\n  command = /bin/true\n");
    for (int level = 0; level < LEVELS; level++) {
      for (int i = 0; i < WIDTH; i++) {
        sb.append("build ").append(id(level, i)).append(": run");
        if (level > 0) {
          sb.append(" |");
          for (int k = 0; k < WIDTH; k++) sb.append(' ').append(id(level - 1, k));
        }
        sb.append('\n');
      }
    }
    sb.append("default");
    for (int i = 0; i < WIDTH; i++) sb.append(' ').append(id(LEVELS - 1, i));
    return sb.append('\n').toString();
  }

  static long ninja(Path dir) throws IOException, InterruptedException {
    long start = System.nanoTime();
    Process p = new ProcessBuilder("ninja", "-j2", "-C", dir.toString()).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) throw new IllegalStateException("ninja failed");
    return System.nanoTime() - start;
  }

  static long engine(PipelineExecutor executor, Pipeline pipeline) {
    long start = System.nanoTime();
    ExecutionSnapshot done = executor.execute(pipeline).completion().join();
    long took = System.nanoTime() - start;
    if (done.status() != ExecutionStatus.SUCCEEDED) throw new IllegalStateException("engine run " + done.status());
    return took;
  }

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 7;
    Path dir = Files.createTempDirectory("pipelinekit-engine-vs-make-");
    Path makefile = Files.writeString(dir.resolve("Makefile"), makefile());
    Files.writeString(dir.resolve("build.ninja"), ninjafile());
    Pipeline pipeline = pipeline();
    System.out.printf(Locale.ROOT, "%d cores, load %s, launch mechanism %s%n", Runtime.getRuntime().availableProcessors(),
        Harness.load(), System.getProperty("jdk.lang.Process.launchMechanism", "the JDK's default"));
    try (PipelineExecutor executor = PipelineExecutor.builder().maxParallelJobs(2).dataDirectory(dir.resolve("data")).build()) {
      engine(executor, pipeline); // warm-up: class loading and JIT, not what is compared
      make(makefile);
      ninja(dir);
      List<Double> engine = new ArrayList<>();
      List<Double> make = new ArrayList<>();
      List<Double> ninja = new ArrayList<>();
      for (int r = 0; r < rounds; r++) {
        for (int k = 0; k < 3; k++) { // (each round starts with the next variant)
          switch ((r + k) % 3) {
            case 0 -> engine.add(engine(executor, pipeline) / 1e6);
            case 1 -> make.add(make(makefile) / 1e6);
            default -> ninja.add(ninja(dir) / 1e6);
          }
        }
      }
      print("engine", engine);
      print("make -j2", make);
      print("ninja -j2", ninja);
      System.out.printf(Locale.ROOT, "ratio of medians: engine/make %.2f×, engine/ninja %.2f×%n", Harness.median(engine) / Harness.median(make),
          Harness.median(engine) / Harness.median(ninja));
    } finally {
      Harness.delete(dir);
    }
  }

  private static void print(String name, List<Double> ms) {
    System.out.printf(Locale.ROOT, "%-10s %s%n", name, Harness.spread(ms, "ms"));
  }
}
