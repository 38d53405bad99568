package org.pipelinekit.benchmarks.harness;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.pipelinekit.core.engine.Execution;
import org.pipelinekit.core.engine.ExecutionSnapshot;
import org.pipelinekit.core.engine.PipelineExecutor;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.core.run.ExecutionStatus;
import org.pipelinekit.core.run.ExecutionTrigger;

/**
 * Executions of a 3-stage pipeline of {@code sleep 0.2}, all submitted at once, with file stores and a listener on each,
 * beside {@code xargs -P<slots>} doing the same sleeps (the floor), the two alternating which runs first. For each count:
 * how many succeeded (by status), when the first 10 %, half, 90 % and all had finished, the throughput, and the peaks of
 * open files, threads, live heap (in use right after a collection) and RSS; every log line is checked to be stored. Removes its data directories.
 *
 * <pre>java -Xmx1g -cp benchmarks/target/benchmarks.jar org.pipelinekit.benchmarks.harness.ConcurrentExecutions [counts] [slots]</pre>
 * {@code counts} is a comma-separated list (default {@code 1000,5000,10000}), {@code slots} the parallel jobs (default 100).
 */
public final class ConcurrentExecutions {
  private ConcurrentExecutions() {}

  private static final Pipeline SLEEPY = Pipeline.builder("sleepy")
      .stage("one", s -> s.run("sleep 0.2"))
      .stage("two", s -> s.needs("one").run("sleep 0.2"))
      .stage("three", s -> s.needs("two").run("sleep 0.2"))
      .build();

  public static void main(String[] args) throws Exception {
    int[] counts = Arrays.stream((args.length > 0 ? args[0] : "1000,5000,10000").split(",")).mapToInt(Integer::parseInt).toArray();
    int slots = args.length > 1 ? Integer.parseInt(args[1]) : 100;
    System.out.printf(Locale.ROOT, "%d cores, load %s, open-file limit %s%n", Runtime.getRuntime().availableProcessors(),
        Harness.load(), limit());
    for (int i = 0; i < counts.length; i++) {
      int n = counts[i];
      double engine;
      double xargs;
      if (i % 2 == 0) { // (alternate which goes first)
        engine = engine(n, slots);
        xargs = xargs(n, slots);
      } else {
        xargs = xargs(n, slots);
        engine = engine(n, slots);
      }
      System.out.printf(Locale.ROOT, "%,d executions: engine %.1f s, xargs -P%d %.1f s, ratio %.2f×%n%n", n, engine, slots, xargs, engine / xargs);
    }
  }

  /**
   * Keeps in {@code peak} the largest heap in use right after a garbage collection (what is live, not what awaits the
   * collector); returns how to stop listening.
   */
  private static List<Runnable> listenAfterGc(AtomicLong peak) {
    List<Runnable> stops = new ArrayList<>();
    for (java.lang.management.GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (!(gc instanceof javax.management.NotificationEmitter emitter)) continue;
      javax.management.NotificationListener listener = (notification, handback) -> {
        if (!com.sun.management.GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) return;
        var info = com.sun.management.GarbageCollectionNotificationInfo.from((javax.management.openmbean.CompositeData) notification.getUserData());
        long used = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
          var after = info.getGcInfo().getMemoryUsageAfterGc().get(pool.getName());
          if (pool.getType() == MemoryType.HEAP && after != null) used += after.getUsed();
        }
        peak.accumulateAndGet(used, Math::max);
      };
      emitter.addNotificationListener(listener, null, null);
      stops.add(() -> {
        try {
          emitter.removeNotificationListener(listener);
        } catch (javax.management.ListenerNotFoundException ignored) {
          // gone already
        }
      });
    }
    return stops;
  }

  /** Runs {@code n} executions; returns the seconds until all had ended. */
  static double engine(int n, int slots) throws Exception {
    Path dir = Files.createTempDirectory("pipelinekit-concurrent-");
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) pool.resetPeakUsage();
    ManagementFactory.getThreadMXBean().resetPeakThreadCount();
    ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "sampler");
      t.setDaemon(true);
      return t;
    });
    AtomicLong peakFiles = new AtomicLong();
    AtomicLong peakLive = new AtomicLong();
    List<Runnable> unlisten = listenAfterGc(peakLive);
    sampler.scheduleAtFixedRate(() -> peakFiles.accumulateAndGet(openFiles(), Math::max), 0, 20, TimeUnit.MILLISECONDS);
    AtomicLong events = new AtomicLong();
    ConcurrentLinkedQueue<Long> ended = new ConcurrentLinkedQueue<>();
    long start = System.nanoTime();
    try (PipelineExecutor executor = PipelineExecutor.builder().dataDirectory(dir).maxParallelJobs(slots).build()) {
      List<Execution> all = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        Execution e = executor.execute(SLEEPY, ExecutionTrigger.api(), Map.of(), ev -> events.incrementAndGet());
        e.completion().thenRun(() -> ended.add(System.nanoTime() - start));
        all.add(e);
      }
      int ok = 0;
      for (Execution e : all) {
        ExecutionSnapshot done = e.completion().join();
        if (done.status() == ExecutionStatus.SUCCEEDED) ok++;
        else System.out.println(e.id() + " " + done.status());
      }
      double took = (System.nanoTime() - start) / 1e9;
      sampler.shutdownNow();
      long lines = 0;
      for (Execution e : all) {
        for (String stage : List.of("one", "two", "three")) lines += e.logs().read(stage, 1, 100).size();
      }
      long heap = 0;
      for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
        if (pool.getType() == MemoryType.HEAP) heap += pool.getPeakUsage().getUsed();
      }
      List<Long> times = new ArrayList<>(ended);
      times.sort(null);
      System.out.printf(Locale.ROOT, "%,d executions × 3 stages of `sleep 0.2`, %d slots: %,d succeeded in %.1f s (%.0f jobs/s);"
              + " 10 %% ended after %.1f s, 50 %% %.1f s, 90 %% %.1f s%n", n, slots, ok, took, n * 3 / took, at(times, 0.1), at(times, 0.5),
          at(times, 0.9));
      System.out.printf(Locale.ROOT, "  events delivered %,d, log lines stored %,d (expected %,d); peaks: open files %,d, threads %d,"
              + " live heap %.0f MB (after a collection; the pools' peaks add up to %.0f MB, garbage included), RSS %.0f MB%n",
          events.get(), lines, n * 3L, peakFiles.get(), ManagementFactory.getThreadMXBean().getPeakThreadCount(), peakLive.get() / 1e6,
          heap / 1e6, peakRss() / 1e6);
      return took;
    } finally {
      unlisten.forEach(Runnable::run);
      sampler.shutdownNow();
      Harness.delete(dir);
    }
  }

  /** The same sleeps through {@code xargs -P}: three one after another per execution. */
  static double xargs(int n, int slots) throws IOException, InterruptedException {
    long start = System.nanoTime();
    Process p = new ProcessBuilder("sh", "-c", "seq " + n + " | xargs -P" + slots + " -I{} sh -c 'sleep 0.2; sleep 0.2; sleep 0.2'")
        .inheritIO().start();
    if (p.waitFor() != 0) throw new IllegalStateException("xargs failed");
    return (System.nanoTime() - start) / 1e9;
  }

  private static double at(List<Long> sorted, double fraction) {
    if (sorted.isEmpty()) return 0;
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(sorted.size() * fraction) - 1)) / 1e9;
  }

  private static long openFiles() {
    String[] fds = new java.io.File("/proc/self/fd").list();
    return fds == null ? 0 : fds.length;
  }

  private static String limit() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
      if (line.startsWith("Max open files")) return line.replaceAll("\\s+", " ").split(" ")[3];
    }
    return "?";
  }

  /** The process's peak resident set (VmHWM). */
  private static long peakRss() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
    }
    return 0;
  }
}
