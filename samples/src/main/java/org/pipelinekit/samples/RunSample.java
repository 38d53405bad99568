package org.pipelinekit.samples;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.pipelinekit.core.engine.Execution;
import org.pipelinekit.core.engine.ExecutionSnapshot;
import org.pipelinekit.core.run.ExecutionTrigger;
import org.pipelinekit.core.engine.PipelineExecutor;
import org.pipelinekit.core.model.Pipeline;

/** Embedding the engine: run a pipeline built in Java and watch its events. The README shows this file. */
public final class RunSample {
  private RunSample() {}

  public static ExecutionSnapshot run(Pipeline ci, Path dataDir) {
    try (PipelineExecutor executor = PipelineExecutor.builder().dataDirectory(dataDir).build()) {
      Execution run = executor.execute(ci, ExecutionTrigger.manual().branch("main"), Map.of(),
          event -> System.out.println(event)); // every event, log lines included, as it happens
      return run.completion().join();          // SUCCEEDED, FAILED, CANCELLED, TIMED_OUT, ...
    }
  }

  public static void main(String[] args) throws Exception {
    Pipeline hello = Pipeline.builder("hello")
        .stage("greet", s -> s.run("echo hello from PipelineKit"))
        .stage("after", s -> s.needs("greet").run("echo after ${{ stages.greet.result }}"))
        .build();
    System.out.println(run(hello, Files.createTempDirectory("pipelinekit-sample-")).status());
  }
}
