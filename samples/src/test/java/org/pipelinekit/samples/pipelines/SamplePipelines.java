package org.pipelinekit.samples.pipelines;

import java.nio.file.Path;
import java.util.List;
import org.pipelinekit.core.format.PipelineFormat;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.dsl.script.PipelineScriptHost;

/** The sample pipelines of {@code samples/pipelines}, read as the CLI reads them (scripts compiled once per JVM, cached in target/). */
final class SamplePipelines {
  static final Path DIR = Path.of("pipelines");
  private static final PipelineScriptHost SCRIPTS = new PipelineScriptHost(Path.of("target", "kts-cache"));

  private SamplePipelines() {}

  static Pipeline yaml(String name) {
    return PipelineFormat.read(DIR.resolve(name));
  }

  static synchronized Pipeline script(String name) {
    List<Pipeline> pipelines = SCRIPTS.evaluate(DIR.resolve(name));
    if (pipelines.size() != 1) throw new IllegalStateException(name + " defines " + pipelines.size() + " pipelines");
    return pipelines.get(0);
  }
}
