package org.pipelinekit.samples;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.pipelinekit.artifacts.AccessPolicy;
import org.pipelinekit.artifacts.ArtifactManager;
import org.pipelinekit.artifacts.ArtifactRecord;
import org.pipelinekit.artifacts.FileArtifactStore;
import org.pipelinekit.core.engine.ExecutionSnapshot;
import org.pipelinekit.core.run.ExecutionTrigger;
import org.pipelinekit.core.engine.PipelineExecutor;
import org.pipelinekit.core.engine.Principal;
import org.pipelinekit.core.model.Pipeline;

/** A stage's artifacts, and a download link for them. The README shows this file; ArtifactSampleTest runs it. */
public final class ArtifactSample {
  private ArtifactSample() {}

  public record Result(ExecutionSnapshot execution, URI link) {}

  public static Result run(Path dataDir, byte[] signingKey) {
    ArtifactManager artifacts = ArtifactManager.builder(new FileArtifactStore(dataDir.resolve("artifacts")),
            AccessPolicy.byPipeline(Map.of("java-ci", List.of("team-payments"))))  // who may read what
        .signingKey(signingKey)                                                    // for download links
        .retention("java-ci", Duration.ofDays(30))
        .build();
    try (PipelineExecutor executor = PipelineExecutor.builder()
        .interceptor(artifacts.interceptor())  // stores each stage's artifacts after it succeeds
        .dataDirectory(dataDir).build()) {
      Pipeline ci = Pipeline.builder("java-ci")
          .stage("build", s -> s.run("mkdir -p target && echo jar > target/app.jar")
              .artifacts(a -> a.name("service-jar").path("target/*.jar")))
          .build();
      ExecutionSnapshot done = executor.execute(ci, ExecutionTrigger.manual(), Map.of()).completion().join();
      ArtifactRecord jar = artifacts.list(done.id()).get(0);  // name, size, sha256 digest, expiry
      URI link = artifacts.signedUrl(jar.id(), Principal.of("ana", "team-payments"), Duration.ofHours(1));
      return new Result(done, link);
    }
  }
}
