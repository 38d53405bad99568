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
 * level before — run by the engine with 2 slots and by {@code make -j2}, one after the other in one
 * run, each timed from start to end after a warm-up run (so JVM start-up is not counted). Prints
 * both times and the ratio; the goal is engine ≤ 1.25 × make.
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

  static long engine(PipelineExecutor executor, Pipeline pipeline) {
    long start = System.nanoTime();
    ExecutionSnapshot done = executor.execute(pipeline).completion().join();
    long took = System.nanoTime() - start;
    if (done.status() != ExecutionStatus.SUCCEEDED) throw new IllegalStateException("engine run " + done.status());
    return took;
  }

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    Path dir = Files.createTempDirectory("engine-vs-make-");
    Path makefile = Files.writeString(dir.resolve("Makefile"), makefile());
    Pipeline pipeline = pipeline();
    try (PipelineExecutor executor = PipelineExecutor.builder().maxParallelJobs(2).dataDirectory(dir.resolve("data")).build()) {
      engine(executor, pipeline); // warm-up: class loading and JIT, not what is compared
      make(makefile);
      long bestEngine = Long.MAX_VALUE;
      long bestMake = Long.MAX_VALUE;
      long sumEngine = 0;
      long sumMake = 0;
      for (int r = 0; r < rounds; r++) {
        long e = engine(executor, pipeline);
        long m = make(makefile);
        bestEngine = Math.min(bestEngine, e);
        bestMake = Math.min(bestMake, m);
        sumEngine += e;
        sumMake += m;
        System.out.printf(Locale.ROOT, "round %d: engine %.0f ms, make -j2 %.0f ms%n", r + 1, e / 1e6, m / 1e6);
      }
      System.out.printf(Locale.ROOT, "mean:  engine %.0f ms, make -j2 %.0f ms, ratio %.2f%n", sumEngine / 1e6 / rounds,
          sumMake / 1e6 / rounds, (double) sumEngine / sumMake);
      System.out.printf(Locale.ROOT, "best:  engine %.0f ms, make -j2 %.0f ms, ratio %.2f%n", bestEngine / 1e6, bestMake / 1e6,
          (double) bestEngine / bestMake);
    }
  }
}
