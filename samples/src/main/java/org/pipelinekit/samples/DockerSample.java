package org.pipelinekit.samples;

import java.nio.file.Path;
import org.pipelinekit.core.engine.ExecutionSnapshot;
import org.pipelinekit.core.engine.PipelineExecutor;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.core.runner.LocalProcessRunner;
import org.pipelinekit.core.stage.StageRegistry;
import org.pipelinekit.docker.DockerRunner;
import org.pipelinekit.docker.PullPolicy;

/** Steps in Docker containers next to local ones. The README shows this file; pipeline-docker's ITs run the same set-up. */
public final class DockerSample {
  private DockerSample() {}

  public static ExecutionSnapshot run(Path dataDir) {
    try (DockerRunner docker = DockerRunner.builder().pullPolicy(PullPolicy.IF_MISSING).build();
         PipelineExecutor executor = PipelineExecutor.builder()
             .runner(docker).runner(new LocalProcessRunner())
             .registry(StageRegistry.builder().addBuiltins().add(docker.stageTypes()).build())
             .dataDirectory(dataDir).build()) {
      return executor.execute(Pipeline.builder("in-containers")
          .stage("test", s -> s.image("eclipse-temurin:21").resources("2", "4Gi").run("./mvnw -B verify"))
          .build()).completion().join();
    }
  }
}
