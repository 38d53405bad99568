package org.pipelinekit.benchmarks.validation;

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
import org.openjdk.jmh.annotations.Warmup;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.core.plan.ExecutionPlan;
import org.pipelinekit.core.plan.ExecutionPlanner;
import org.pipelinekit.core.validate.PipelineValidator;
import org.pipelinekit.core.validate.ValidationResult;

/**
 * Validation and planning of a layered DAG: layers of {@value #WIDTH} stages, each stage after the
 * first layer needing 3 stages of the layer before. The goal (PRP-005 "Validation: &lt; 100ms"):
 * 100 stages under 1 ms, 10,000 under 50 ms, growing linearly.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar ValidatePlanBenchmark</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ValidatePlanBenchmark {
  static final int WIDTH = 10;

  @Param({"100", "1000", "10000"})
  public int stages;

  private Pipeline pipeline;
  private final PipelineValidator validator = PipelineValidator.create();
  private final ExecutionPlanner planner = ExecutionPlanner.create();

  @Setup(Level.Trial)
  public void setUp() {
    pipeline = layered(stages);
    if (!validator.validate(pipeline).isValid()) {
      throw new IllegalStateException("benchmark pipeline is invalid: " + validator.validate(pipeline));
    }
  }

  /** {@code n} shell stages in layers of {@link #WIDTH}; stage i of layer L needs stages i, i+1, i+2 (mod width) of layer L-1. */
  public static Pipeline layered(int n) {
    Pipeline.Builder b = Pipeline.builder("layered-" + n);
    for (int i = 0; i < n; i++) {
      int layer = i / WIDTH;
      int pos = i % WIDTH;
      String[] needs = layer == 0 ? new String[0] : new String[] {
          id(layer - 1, pos), id(layer - 1, (pos + 1) % WIDTH), id(layer - 1, (pos + 2) % WIDTH)};
      b.stage(id(layer, pos), s -> s.needs(needs).run("make step"));
    }
    return b.build();
  }

  private static String id(int layer, int pos) {
    return "s-" + layer + "-" + pos;
  }

  @Benchmark
  public ValidationResult validate() {
    return validator.validate(pipeline);
  }

  @Benchmark
  public ExecutionPlan plan() {
    return planner.plan(pipeline);
  }

  @Benchmark
  public ExecutionPlan validateAndPlan() {
    validator.validate(pipeline).orThrow();
    return planner.plan(pipeline);
  }
}
