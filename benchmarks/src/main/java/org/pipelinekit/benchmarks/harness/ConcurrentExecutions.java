package org.pipelinekit.benchmarks.harness;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.pipelinekit.core.engine.Execution;
import org.pipelinekit.core.run.ExecutionEvent;
import org.pipelinekit.core.engine.ExecutionSnapshot;
import org.pipelinekit.core.run.ExecutionStatus;
import org.pipelinekit.core.run.ExecutionTrigger;
import org.pipelinekit.core.engine.PipelineExecutor;
import org.pipelinekit.core.model.Pipeline;

/**
 * 1,000 executions of a 3-stage pipeline of {@code sleep 0.2}, all submitted at once, with file
 * stores and a listener on each. Checks that each succeeds with every event and log line, and
 * reports the wall time, the peak number of threads and the peak heap. Run it with a 512 MB heap
 * to show it fits:
 *
 * <pre>java -Xmx512m -cp benchmarks/target/benchmarks.jar org.pipelinekit.benchmarks.harness.ConcurrentExecutions [executions] [slots]</pre>
 */
public final class ConcurrentExecutions {
  private ConcurrentExecutions() {}

  public static void main(String[] args) throws Exception {
    int executions = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    int slots = args.length > 1 ? Integer.parseInt(args[1]) : 100;
    Pipeline p = Pipeline.builder("sleepy")
        .stage("one", s -> s.run("sleep 0.2"))
        .stage("two", s -> s.needs("one").run("sleep 0.2"))
        .stage("three", s -> s.needs("two").run("sleep 0.2"))
        .build();
    Path dir = Files.createTempDirectory("concurrent-");
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) pool.resetPeakUsage();
    ManagementFactory.getThreadMXBean().resetPeakThreadCount();
    AtomicLong events = new AtomicLong();
    AtomicLong logLines = new AtomicLong();
    long start = System.nanoTime();
    try (PipelineExecutor executor = PipelineExecutor.builder().dataDirectory(dir).maxParallelJobs(slots).build()) {
      List<Execution> all = new ArrayList<>();
      for (int i = 0; i < executions; i++) {
        all.add(executor.execute(p, ExecutionTrigger.api(), Map.of(), e -> {
          events.incrementAndGet();
          if (e instanceof ExecutionEvent.LogAppended) logLines.incrementAndGet();
        }));
      }
      int ok = 0;
      for (Execution e : all) {
        ExecutionSnapshot done = e.completion().join();
        if (done.status() == ExecutionStatus.SUCCEEDED && done.sequence() == 17) ok++;
        else System.out.println(e.id() + " " + done.status() + " after " + done.sequence() + " journaled events");
      }
      long took = System.nanoTime() - start;
      long heap = 0;
      for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
        if (pool.getType() == MemoryType.HEAP) heap += pool.getPeakUsage().getUsed();
      }
      long lines = 0;
      for (Execution e : all) {
        for (String stage : List.of("one", "two", "three")) lines += e.logs().read(stage, 1, 100).size();
      }
      System.out.printf(Locale.ROOT, "%d executions × 3 stages of `sleep 0.2`, %d slots: %d succeeded in %.1f s%n", executions, slots, ok,
          took / 1e9);
      System.out.printf(Locale.ROOT, "events delivered: %d (expected %d), log lines stored: %d (expected %d)%n", events.get(),
          executions * 17L, lines, executions * 3L);
      System.out.printf(Locale.ROOT, "peak threads: %d, peak heap used: %.0f MB (max heap %.0f MB)%n",
          ManagementFactory.getThreadMXBean().getPeakThreadCount(), heap / 1e6, Runtime.getRuntime().maxMemory() / 1e6);
    }
  }
}
