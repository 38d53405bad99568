package org.pipelinekit.benchmarks.engine;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.pipelinekit.benchmarks.validation.ValidatePlanBenchmark;
import org.pipelinekit.core.engine.ExecutionSnapshot;
import org.pipelinekit.core.run.ExecutionStatus;
import org.pipelinekit.core.engine.PipelineExecutor;
import org.pipelinekit.core.model.Pipeline;

/**
 * The engine's own cost per stage: a layered DAG (10 wide, 3 needs a stage) run to completion with
 * a runner whose steps end at once, stores that keep nothing, 8 slots. Divide the score by the number of
 * stages for the overhead per stage (goal: under 5 µs). It includes validation, planning, events,
 * the journal and the log line each step writes.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar SchedulerBenchmark</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class SchedulerBenchmark {
  @Param({"1000", "10000"})
  public int stages;

  private Pipeline pipeline;
  private PipelineExecutor executor;

  @Setup(Level.Trial)
  public void setUp() {
    pipeline = ValidatePlanBenchmark.layered(stages);
    executor = PipelineExecutor.builder().runner(new NoopRunner()).maxParallelJobs(8)
        .executionStore(new DiscardingStores.Executions()).logStore(new DiscardingStores.Logs()).build();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    executor.close();
  }

  @Benchmark
  public ExecutionSnapshot execute() {
    ExecutionSnapshot done = executor.execute(pipeline).completion().join();
    if (done.status() != ExecutionStatus.SUCCEEDED) throw new IllegalStateException(done.status().toString());
    return done;
  }
}
