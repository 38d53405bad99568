package org.pipelinekit.benchmarks.templates;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.templates.Customization;
import org.pipelinekit.templates.Template;
import org.pipelinekit.templates.TemplateLibrary;

/**
 * The whole built-in library, warm: read every template and component from the classpath, then
 * create and validate a pipeline from each template with its defaults. Goal: under 20 ms (the
 * seed's: under 500 ms).
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar TemplateLibraryBenchmark</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TemplateLibraryBenchmark {

  @Benchmark
  public List<Pipeline> loadAndValidateTheLibrary() {
    TemplateLibrary library = TemplateLibrary.builder().builtins().build();
    List<Pipeline> out = new ArrayList<>();
    for (Template t : library.getTemplates((String) null)) out.add(library.createFromTemplate(t.id(), Customization.NONE));
    return out;
  }
}
