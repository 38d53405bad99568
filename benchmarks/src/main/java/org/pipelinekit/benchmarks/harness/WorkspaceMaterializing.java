package org.pipelinekit.benchmarks.harness;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.pipelinekit.core.engine.ExecutionSnapshot;
import org.pipelinekit.core.engine.PipelineExecutor;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.core.run.ExecutionStatus;

/**
 * What a job's own workspace costs: one job ({@code /bin/true}) run with the source copied into its workspace, against the
 * same job with no source, for {@code samples/projects/java-maven} and for a generated 100 MB tree (1,000 files of 100 KB in
 * 20 directories). Alternating rounds after a warm-up; prints the medians and the difference per job.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar org.pipelinekit.benchmarks.harness.WorkspaceMaterializing [rounds] [java-maven dir]</pre>
 */
public final class WorkspaceMaterializing {
  private WorkspaceMaterializing() {}

  static double runMillis(PipelineExecutor executor, Pipeline pipeline) {
    long start = System.nanoTime();
    ExecutionSnapshot done = executor.execute(pipeline).completion().join();
    if (done.status() != ExecutionStatus.SUCCEEDED) throw new IllegalStateException("run " + done.status() + ": " + done.reason());
    return (System.nanoTime() - start) / 1e6;
  }

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
    Path maven = Path.of(args.length > 1 ? args[1] : "samples/projects/java-maven").toAbsolutePath();
    Path dir = Files.createTempDirectory("workspaces-");
    Path big = Files.createDirectories(dir.resolve("big"));
    Random random = new Random(1);
    byte[] data = new byte[100_000];
    for (int i = 0; i < 1000; i++) {
      random.nextBytes(data);
      Path d = Files.createDirectories(big.resolve("d" + (i % 20)));
      Files.write(d.resolve("f" + i + ".bin"), data);
    }
    Harness.sync();
    Pipeline one = Pipeline.builder("one-job").stage("job", s -> s.run("/bin/true")).build();
    try (PipelineExecutor empty = PipelineExecutor.builder().dataDirectory(dir.resolve("d0")).build();
        PipelineExecutor small = PipelineExecutor.builder().dataDirectory(dir.resolve("d1")).source(maven).build();
        PipelineExecutor large = PipelineExecutor.builder().dataDirectory(dir.resolve("d2")).source(big).build()) {
      for (int i = 0; i < 3; i++) {
        runMillis(empty, one);
        runMillis(small, one);
        runMillis(large, one);
      }
      List<Double> e = new ArrayList<>();
      List<Double> s = new ArrayList<>();
      List<Double> l = new ArrayList<>();
      for (int r = 0; r < rounds; r++) {
        e.add(runMillis(empty, one));
        s.add(runMillis(small, one));
        l.add(runMillis(large, one));
      }
      double me = Harness.median(e);
      double ms = Harness.median(s);
      double ml = Harness.median(l);
      System.out.printf(Locale.ROOT, "one job, no source:                  %7.1f ms (median of %d)%n", me, rounds);
      System.out.printf(Locale.ROOT, "one job, java-maven source (%s):  %7.1f ms  → +%.1f ms per job%n", size(maven), ms, ms - me);
      System.out.printf(Locale.ROOT, "one job, 100 MB source (1,000 files): %7.1f ms  → +%.1f ms per job%n", ml, ml - me);
    } finally {
      Harness.delete(dir);
    }
  }

  private static String size(Path p) throws Exception {
    try (var s = Files.walk(p)) {
      long bytes = s.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
      return String.format(Locale.ROOT, "%.0f KB", bytes / 1e3);
    }
  }
}
