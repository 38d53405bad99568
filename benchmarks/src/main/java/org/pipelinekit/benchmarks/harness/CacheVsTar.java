package org.pipelinekit.benchmarks.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.pipelinekit.cache.CacheContext;
import org.pipelinekit.cache.CacheManager;
import org.pipelinekit.cache.FileCacheStore;
import org.pipelinekit.core.model.CacheScope;

/**
 * Saving and restoring a real tree (default: the Maven local repository, ~/.m2/repository) through
 * {@link CacheManager} against {@code tar -I 'zstd -1 -T0' -cf} and {@code tar -I zstd -xf} of the
 * same tree, alternating, in one run; reports MB/s of tree bytes (the tree's total file size over
 * the wall time) and the ratios. The goal is ≥ 1.0× the CLI's throughput both ways. One warm-up
 * round of each first, so every variant reads the tree from the page cache.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar org.pipelinekit.benchmarks.harness.CacheVsTar [tree] [rounds]</pre>
 */
public final class CacheVsTar {
  private CacheVsTar() {}

  public static void main(String[] args) throws Exception {
    Path tree = Path.of(args.length > 0 ? args[0] : System.getProperty("user.home") + "/.m2/repository").toAbsolutePath();
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    long bytes = treeBytes(tree);
    System.out.printf(Locale.ROOT, "tree %s: %.0f MB in %d files%n", tree, bytes / 1e6, fileCount(tree));
    Path work = Files.createTempDirectory("cache-vs-tar-");
    List<Double> ourSave = new ArrayList<>();
    List<Double> ourRestore = new ArrayList<>();
    List<Double> tarSave = new ArrayList<>();
    List<Double> tarRestore = new ArrayList<>();
    long archiveOurs = 0;
    long archiveTar = 0;
    try {
      for (int round = 0; round <= rounds; round++) {
        // ours
        Path storeDir = work.resolve("store-" + round);
        CacheManager cache = CacheManager.builder(new FileCacheStore(storeDir)).build();
        CacheContext ctx = CacheContext.of("bench", "main");
        long t = System.nanoTime();
        CacheManager.Saved saved = cache.save(ctx, "tree", List.of(tree), CacheScope.PROJECT, CacheManager.SaveOptions.DEFAULT);
        double saveSec = (System.nanoTime() - t) / 1e9;
        archiveOurs = saved.entry().orElseThrow().size();
        Harness.sync();
        Path restoreTo = work.resolve("ours-" + round);
        t = System.nanoTime();
        cache.restore(ctx, "tree", List.of(), CacheScope.PROJECT, List.of(restoreTo)).orElseThrow();
        double restoreSec = (System.nanoTime() - t) / 1e9;
        Harness.delete(restoreTo);
        Harness.delete(storeDir);
        Harness.sync();
        // tar
        Path archive = work.resolve("tree-" + round + ".tar.zst");
        t = System.nanoTime();
        Harness.run(List.of("tar", "-I", "zstd -1 -T0", "-cf", archive.toString(), "-C", tree.getParent().toString(), tree.getFileName().toString()));
        double tarSaveSec = (System.nanoTime() - t) / 1e9;
        archiveTar = Files.size(archive);
        Harness.sync();
        Path extractTo = Files.createDirectories(work.resolve("tar-" + round));
        t = System.nanoTime();
        Harness.run(List.of("tar", "-I", "zstd", "-xf", archive.toString(), "-C", extractTo.toString()));
        double tarRestoreSec = (System.nanoTime() - t) / 1e9;
        Harness.delete(extractTo);
        Files.delete(archive);
        Harness.sync();
        if (round == 0) continue; // warm-up
        ourSave.add(bytes / 1e6 / saveSec);
        ourRestore.add(bytes / 1e6 / restoreSec);
        tarSave.add(bytes / 1e6 / tarSaveSec);
        tarRestore.add(bytes / 1e6 / tarRestoreSec);
        System.out.printf(Locale.ROOT, "round %d: save ours %.0f MB/s tar %.0f MB/s; restore ours %.0f MB/s tar %.0f MB/s%n", round,
            bytes / 1e6 / saveSec, bytes / 1e6 / tarSaveSec, bytes / 1e6 / restoreSec, bytes / 1e6 / tarRestoreSec);
      }
    } finally {
      Harness.delete(work);
    }
    double s = Harness.median(ourSave);
    double ts = Harness.median(tarSave);
    double r = Harness.median(ourRestore);
    double tr = Harness.median(tarRestore);
    System.out.printf(Locale.ROOT, "median of %d: save %.0f MB/s vs tar+zstd %.0f MB/s (%.2fx); restore %.0f MB/s vs %.0f MB/s (%.2fx);"
        + " archive %.0f MB vs %.0f MB (goal >= 1.0x both ways)%n", rounds, s, ts, s / ts, r, tr, r / tr, archiveOurs / 1e6, archiveTar / 1e6);
  }

  /** Writes dirty pages out, so one variant's writes are not paid by the next. */

  private static long treeBytes(Path tree) throws IOException {
    try (Stream<Path> s = Files.walk(tree)) {
      return s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    }
  }

  private static long fileCount(Path tree) throws IOException {
    try (Stream<Path> s = Files.walk(tree)) {
      return s.filter(Files::isRegularFile).count();
    }
  }
}
