package org.pipelinekit.benchmarks.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
 * same tree, the two taking turns at going first; reports min/median/max MB/s of tree bytes (the tree's total file
 * size over the wall time) and the ratios of the medians. The goal is ≥ 1.0× the CLI's throughput both ways. One warm-up
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
    Path work = Files.createTempDirectory("pipelinekit-cache-vs-tar-");
    List<Double> ourSave = new ArrayList<>();
    List<Double> ourRestore = new ArrayList<>();
    List<Double> tarSave = new ArrayList<>();
    List<Double> tarRestore = new ArrayList<>();
    long[] archives = new long[2];
    try {
      for (int round = 0; round <= rounds; round++) {
        double[] o;
        double[] t;
        if (round % 2 == 0) { // (which goes first alternates: the second may find the first's pages cached, or dirty)
          o = ours(tree, work, round, archives);
          t = tar(tree, work, round, archives);
        } else {
          t = tar(tree, work, round, archives);
          o = ours(tree, work, round, archives);
        }
        if (round == 0) continue; // warm-up
        ourSave.add(bytes / 1e6 / o[0]);
        ourRestore.add(bytes / 1e6 / o[1]);
        tarSave.add(bytes / 1e6 / t[0]);
        tarRestore.add(bytes / 1e6 / t[1]);
        System.out.printf(Locale.ROOT, "round %d (%s first): save ours %.0f MB/s tar %.0f MB/s; restore ours %.0f MB/s tar %.0f MB/s%n", round,
            round % 2 == 0 ? "ours" : "tar", bytes / 1e6 / o[0], bytes / 1e6 / t[0], bytes / 1e6 / o[1], bytes / 1e6 / t[1]);
      }
    } finally {
      Harness.delete(work);
    }
    System.out.printf(Locale.ROOT, "save:    ours %s; tar+zstd %s%n", Harness.spread(ourSave, "MB/s"), Harness.spread(tarSave, "MB/s"));
    System.out.printf(Locale.ROOT, "restore: ours %s; tar+zstd %s%n", Harness.spread(ourRestore, "MB/s"), Harness.spread(tarRestore, "MB/s"));
    System.out.printf(Locale.ROOT, "ratio of medians: save %.2fx, restore %.2fx; archive %.0f MB vs %.0f MB (goal >= 1.0x both ways)%n",
        Harness.median(ourSave) / Harness.median(tarSave), Harness.median(ourRestore) / Harness.median(tarRestore), archives[0] / 1e6,
        archives[1] / 1e6);
  }

  /** Saves and restores the tree with the cache; returns the seconds of each. */
  private static double[] ours(Path tree, Path work, int round, long[] archives) throws Exception {
    Path storeDir = work.resolve("store-" + round);
    CacheManager cache = CacheManager.builder(new FileCacheStore(storeDir)).build();
    CacheContext ctx = CacheContext.of("bench", "main");
    long t = System.nanoTime();
    CacheManager.Saved saved = cache.save(ctx, "tree", List.of(tree), CacheScope.PROJECT, CacheManager.SaveOptions.DEFAULT);
    double saveSec = (System.nanoTime() - t) / 1e9;
    archives[0] = saved.entry().orElseThrow().size();
    Harness.sync();
    Path restoreTo = work.resolve("ours-" + round);
    t = System.nanoTime();
    cache.restore(ctx, "tree", List.of(), CacheScope.PROJECT, List.of(restoreTo)).orElseThrow();
    double restoreSec = (System.nanoTime() - t) / 1e9;
    Harness.sync();
    Harness.delete(restoreTo);
    Harness.delete(storeDir);
    Harness.sync();
    return new double[] {saveSec, restoreSec};
  }

  /** The same with {@code tar} and {@code zstd}; returns the seconds of each. */
  private static double[] tar(Path tree, Path work, int round, long[] archives) throws Exception {
    Path archive = work.resolve("tree-" + round + ".tar.zst");
    long t = System.nanoTime();
    Harness.run(List.of("tar", "-I", "zstd -1 -T0", "-cf", archive.toString(), "-C", tree.getParent().toString(), tree.getFileName().toString()));
    double saveSec = (System.nanoTime() - t) / 1e9;
    archives[1] = Files.size(archive);
    Harness.sync();
    Path extractTo = Files.createDirectories(work.resolve("tar-" + round));
    t = System.nanoTime();
    Harness.run(List.of("tar", "-I", "zstd", "-xf", archive.toString(), "-C", extractTo.toString()));
    double restoreSec = (System.nanoTime() - t) / 1e9;
    Harness.sync();
    Harness.delete(extractTo);
    Files.delete(archive);
    Harness.sync();
    return new double[] {saveSec, restoreSec};
  }

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
