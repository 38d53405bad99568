package org.pipelinekit.benchmarks.harness;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.pipelinekit.artifacts.AccessPolicy;
import org.pipelinekit.artifacts.ArtifactManager;
import org.pipelinekit.artifacts.ArtifactRecord;
import org.pipelinekit.artifacts.FileArtifactStore;
import org.pipelinekit.artifacts.Upload;
import org.pipelinekit.core.engine.Principal;

/**
 * 1 GiB of random data stored through {@link ArtifactManager} and read back (to a file, digest
 * verified), against {@code cp} of the same file (also {@code cp} followed by {@code sync} of the
 * copy, since the store forces its blobs to disk); the same bytes as a directory of 64 files stored
 * as one multi-file artifact ({@code storeDirectory}, a tar) against {@code cp -r} and {@code sync};
 * and the streaming path ({@code store(InputStream)}), each round starting with the next variant,
 * {@code sync} between them. Reports min, median and max MB/s of each and the ratios of the medians;
 * the goal is ≥ 0.8× cp+sync for files and directories (the seed's floor: 100 MB/s).
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar org.pipelinekit.benchmarks.harness.ArtifactsVsCp [MiB] [rounds]</pre>
 */
public final class ArtifactsVsCp {
  private ArtifactsVsCp() {}

  public static void main(String[] args) throws Exception {
    int mib = args.length > 0 ? Integer.parseInt(args[0]) : 1024;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    Path work = Files.createTempDirectory("pipelinekit-artifacts-vs-cp-");
    Path source = work.resolve("random.bin");
    writeRandom(source, mib);
    Path tree = work.resolve("tree");
    split(source, tree, 64);
    double mb = mib * 1048576 / 1e6;
    List<Double> store = new ArrayList<>();
    List<Double> streamStore = new ArrayList<>();
    List<Double> read = new ArrayList<>();
    List<Double> cp = new ArrayList<>();
    List<Double> cpSync = new ArrayList<>();
    List<Double> treeStore = new ArrayList<>();
    List<Double> cpTree = new ArrayList<>();
    try {
      for (int round = 0; round <= rounds; round++) {
        Path storeDir = work.resolve("store-" + round);
        int r = round;
        double[] sec = new double[7]; // store, read back, stream store, cp, cp+sync, tree store, cp -r+sync
        try (ArtifactManager artifacts = ArtifactManager.builder(new FileArtifactStore(storeDir), AccessPolicy.allowAll()).build()) {
          List<Variant> variants = List.of(
              () -> { // store a file and read it back
                long t = System.nanoTime();
                ArtifactRecord rec = artifacts.storeFile(Upload.of("bench-" + r, "bench", "random.bin"), source);
                sec[0] = (System.nanoTime() - t) / 1e9;
                Harness.sync();
                Path back = work.resolve("back-" + r + ".bin");
                t = System.nanoTime();
                artifacts.copyTo(rec.id(), Principal.of("bench"), back);
                sec[1] = (System.nanoTime() - t) / 1e9;
                Files.delete(back);
              },
              () -> { // the streaming path (multi-file artifacts)
                long t = System.nanoTime();
                try (InputStream in = Files.newInputStream(source)) {
                  artifacts.store(Upload.of("bench-" + r, "bench", "streamed.bin"), in);
                }
                sec[2] = (System.nanoTime() - t) / 1e9;
              },
              () -> {
                Path copy = work.resolve("cp-" + r + ".bin");
                long t = System.nanoTime();
                Harness.run(List.of("cp", source.toString(), copy.toString()));
                sec[3] = (System.nanoTime() - t) / 1e9;
                Files.delete(copy);
              },
              () -> {
                Path copy = work.resolve("cp-" + r + ".bin");
                long t = System.nanoTime();
                Harness.run(List.of("sh", "-c", "cp \"$0\" \"$1\" && sync \"$1\"", source.toString(), copy.toString()));
                sec[4] = (System.nanoTime() - t) / 1e9;
                Files.delete(copy);
              },
              () -> { // a directory: a multi-file artifact
                long t = System.nanoTime();
                artifacts.storeDirectory(Upload.of("bench-" + r, "bench", "tree"), tree);
                sec[5] = (System.nanoTime() - t) / 1e9;
              },
              () -> {
                Path copy = work.resolve("cp-tree-" + r);
                long t = System.nanoTime();
                Harness.run(List.of("sh", "-c", "cp -r \"$0\" \"$1\" && sync", tree.toString(), copy.toString()));
                sec[6] = (System.nanoTime() - t) / 1e9;
                Harness.delete(copy);
              });
          for (int k = 0; k < variants.size(); k++) { // (each round starts with the next variant)
            variants.get((round + k) % variants.size()).run();
            Harness.sync();
          }
        }
        Harness.delete(storeDir);
        if (round == 0) continue;
        store.add(mb / sec[0]);
        read.add(mb / sec[1]);
        streamStore.add(mb / sec[2]);
        cp.add(mb / sec[3]);
        cpSync.add(mb / sec[4]);
        treeStore.add(mb / sec[5]);
        cpTree.add(mb / sec[6]);
        System.out.printf(Locale.ROOT, "round %d: store %.0f MB/s, read back %.0f MB/s, stream store %.0f MB/s, tree store %.0f MB/s;"
            + " cp %.0f MB/s, cp+sync %.0f MB/s, cp -r+sync %.0f MB/s%n", round, mb / sec[0], mb / sec[1], mb / sec[2], mb / sec[5],
            mb / sec[3], mb / sec[4], mb / sec[6]);
      }
    } finally {
      Harness.delete(work);
    }
    System.out.printf(Locale.ROOT, "%d MiB, %d rounds (load average %s):%n  store        %s%n  read back    %s%n  stream store %s%n"
        + "  tree store   %s%n  cp           %s%n  cp+sync      %s%n  cp -r+sync   %s%n", mib, rounds, Harness.load(),
        Harness.spread(store, "MB/s"), Harness.spread(read, "MB/s"), Harness.spread(streamStore, "MB/s"), Harness.spread(treeStore, "MB/s"),
        Harness.spread(cp, "MB/s"), Harness.spread(cpSync, "MB/s"), Harness.spread(cpTree, "MB/s"));
    double c = Harness.median(cp);
    double cs = Harness.median(cpSync);
    System.out.printf(Locale.ROOT, "ratio of medians: store %.2fx cp+sync, tree store %.2fx cp -r+sync (goal >= 0.8x), read back %.2fx cp,"
        + " stream store %.2fx cp+sync%n", Harness.median(store) / cs, Harness.median(treeStore) / Harness.median(cpTree),
        Harness.median(read) / c, Harness.median(streamStore) / cs);
  }

  /** One timed variant of a round. */
  private interface Variant {
    void run() throws Exception;
  }

  /** The file's bytes as {@code n} files of equal size in {@code dir}. */
  private static void split(Path file, Path dir, int n) throws IOException {
    Files.createDirectories(dir);
    long part = Files.size(file) / n;
    try (InputStream in = Files.newInputStream(file)) {
      for (int i = 0; i < n; i++) {
        try (OutputStream out = Files.newOutputStream(dir.resolve(String.format(Locale.ROOT, "part-%02d.bin", i)))) {
          out.write(in.readNBytes((int) (i == n - 1 ? Files.size(file) - part * (n - 1) : part)));
        }
      }
    }
  }

  private static void writeRandom(Path file, int mib) throws IOException {
    Random random = new Random(42);
    byte[] buf = new byte[1 << 20];
    try (OutputStream out = Files.newOutputStream(file)) {
      for (int i = 0; i < mib; i++) {
        random.nextBytes(buf);
        out.write(buf);
      }
    }
  }
}
