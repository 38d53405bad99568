package org.pipelinekit.benchmarks.harness;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Stream;
import org.pipelinekit.artifacts.AccessPolicy;
import org.pipelinekit.artifacts.ArtifactManager;
import org.pipelinekit.artifacts.ArtifactRecord;
import org.pipelinekit.artifacts.FileArtifactStore;
import org.pipelinekit.artifacts.Upload;
import org.pipelinekit.core.engine.Principal;

/**
 * 1 GiB of random data stored through {@link ArtifactManager} and read back (to a file, digest
 * verified), against {@code cp} of the same file (also {@code cp} followed by {@code sync} of the
 * copy, since the store forces its blobs to disk), alternating, in one run. Reports MB/s and the
 * ratios; the goal is ≥ 0.8× cp's throughput (the seed's floor: 100 MB/s). Also the streaming path
 * ({@code store(InputStream)}) for reference.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar org.pipelinekit.benchmarks.harness.ArtifactsVsCp [MiB] [rounds]</pre>
 */
public final class ArtifactsVsCp {
  private ArtifactsVsCp() {}

  public static void main(String[] args) throws Exception {
    int mib = args.length > 0 ? Integer.parseInt(args[0]) : 1024;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    Path work = Files.createTempDirectory("artifacts-vs-cp-");
    Path source = work.resolve("random.bin");
    writeRandom(source, mib);
    double mb = mib * 1048576 / 1e6;
    List<Double> store = new ArrayList<>();
    List<Double> streamStore = new ArrayList<>();
    List<Double> read = new ArrayList<>();
    List<Double> cp = new ArrayList<>();
    List<Double> cpSync = new ArrayList<>();
    try {
      for (int round = 0; round <= rounds; round++) {
        Path storeDir = work.resolve("store-" + round);
        try (ArtifactManager artifacts = ArtifactManager.builder(new FileArtifactStore(storeDir), AccessPolicy.allowAll()).build()) {
          long t = System.nanoTime();
          ArtifactRecord r = artifacts.storeFile(Upload.of("bench-" + round, "bench", "random.bin"), source);
          double storeSec = (System.nanoTime() - t) / 1e9;
          Harness.sync();
          Path back = work.resolve("back-" + round + ".bin");
          t = System.nanoTime();
          artifacts.copyTo(r.id(), Principal.of("bench"), back);
          double readSec = (System.nanoTime() - t) / 1e9;
          Files.delete(back);
          Harness.sync();
          t = System.nanoTime();
          try (InputStream in = Files.newInputStream(source)) {
            artifacts.store(Upload.of("bench-" + round, "bench", "streamed.bin"), in);
          }
          double streamSec = (System.nanoTime() - t) / 1e9;
          Harness.sync();
          Path copy = work.resolve("cp-" + round + ".bin");
          t = System.nanoTime();
          Harness.run(List.of("cp", source.toString(), copy.toString()));
          double cpSec = (System.nanoTime() - t) / 1e9;
          Files.delete(copy);
          Harness.sync();
          t = System.nanoTime();
          Harness.run(List.of("sh", "-c", "cp \"$0\" \"$1\" && sync \"$1\"", source.toString(), copy.toString()));
          double cpSyncSec = (System.nanoTime() - t) / 1e9;
          Files.delete(copy);
          Harness.sync();
          if (round == 0) continue;
          store.add(mb / storeSec);
          read.add(mb / readSec);
          streamStore.add(mb / streamSec);
          cp.add(mb / cpSec);
          cpSync.add(mb / cpSyncSec);
          System.out.printf(Locale.ROOT, "round %d: store %.0f MB/s, read back %.0f MB/s, stream store %.0f MB/s; cp %.0f MB/s,"
              + " cp+sync %.0f MB/s%n", round, mb / storeSec, mb / readSec, mb / streamSec, mb / cpSec, mb / cpSyncSec);
        }
        Harness.delete(storeDir);
      }
    } finally {
      Harness.delete(work);
    }
    double s = Harness.median(store);
    double r = Harness.median(read);
    double c = Harness.median(cp);
    double cs = Harness.median(cpSync);
    System.out.printf(Locale.ROOT, "median of %d, %d MiB: store %.0f MB/s (%.2fx cp, %.2fx cp+sync); read back %.0f MB/s (%.2fx cp,"
        + " %.2fx cp+sync); stream store %.0f MB/s; cp %.0f MB/s, cp+sync %.0f MB/s (goal >= 0.8x cp)%n",
        rounds, mib, s, s / c, s / cs, r, r / c, r / cs, Harness.median(streamStore), c, cs);
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
