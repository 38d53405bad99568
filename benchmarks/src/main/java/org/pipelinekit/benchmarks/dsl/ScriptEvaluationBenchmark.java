package org.pipelinekit.benchmarks.dsl;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.pipelinekit.benchmarks.validation.ValidatePlanBenchmark;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.dsl.code.PipelineCode;
import org.pipelinekit.dsl.script.PipelineScriptHost;

/**
 * Evaluating a 100-stage {@code .pipeline.kts} (the layered DAG of {@link ValidatePlanBenchmark},
 * exported as Kotlin) in a running JVM:
 * <ul>
 *   <li>{@code compile}: the script is new or changed, so the Kotlin compiler runs (one shot each,
 *       every shot with an empty cache);
 *   <li>{@code cached}: the script is unchanged, so its compiled jar is loaded from the cache and
 *       run. Goal: under 50 ms.
 * </ul>
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar ScriptEvaluationBenchmark</pre>
 */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = "-Xmx2g")
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ScriptEvaluationBenchmark {
  static final int STAGES = 100;

  private Pipeline expected;
  private Path script;
  private Path cache;
  private PipelineScriptHost cachedHost;
  private int shot;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    expected = ValidatePlanBenchmark.layered(STAGES);
    Path dir = Files.createTempDirectory("script-benchmark-");
    script = Files.writeString(dir.resolve("layered.pipeline.kts"), PipelineCode.kotlin(List.of(expected)));
    cache = dir.resolve("cache");
    cachedHost = new PipelineScriptHost(cache);
    check(cachedHost.evaluate(script)); // fills the cache
  }

  private void check(List<Pipeline> pipelines) {
    if (!pipelines.equals(List.of(expected))) throw new IllegalStateException("the script did not give the pipeline back");
  }

  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  @Warmup(iterations = 3)
  @Measurement(iterations = 8)
  public List<Pipeline> compile() {
    List<Pipeline> p = new PipelineScriptHost(cache.resolveSibling("miss-" + shot++)).evaluate(script);
    check(p);
    return p;
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @Warmup(iterations = 3, time = 2)
  @Measurement(iterations = 5, time = 2)
  public List<Pipeline> cached() {
    return cachedHost.evaluate(script);
  }
}
