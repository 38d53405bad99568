package org.pipelinekit.samples;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.pipelinekit.core.engine.ExecutionSnapshot;
import org.pipelinekit.core.run.ExecutionTrigger;
import org.pipelinekit.core.engine.PipelineExecutor;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.dsl.script.PipelineScriptHost;

/** Embedding the Kotlin DSL: evaluate a {@code .pipeline.kts} file and run what it defines. The README shows this file. */
public final class ScriptSample {
  private ScriptSample() {}

  public static ExecutionSnapshot run(Path script, Path project, Path dataDir) {
    PipelineScriptHost scripts = new PipelineScriptHost(dataDir.resolve("script-cache")); // compiled once per content
    List<Pipeline> pipelines = scripts.evaluate(script);  // PipelineScriptException: file:line:col problems
    try (PipelineExecutor executor = PipelineExecutor.builder().dataDirectory(dataDir).sharedWorkspace(project).build()) {
      return executor.execute(pipelines.get(0), ExecutionTrigger.manual().branch("main"), Map.of())
          .completion().join();
    }
  }
}
