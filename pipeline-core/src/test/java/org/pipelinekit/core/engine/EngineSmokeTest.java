package org.pipelinekit.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pipelinekit.core.model.Pipeline;

class EngineSmokeTest {
  @TempDir Path dir;

  @Test
  void runsAPipeline() throws Exception {
    try (PipelineExecutor ex = PipelineExecutor.builder().dataDirectory(dir).build()) {
      Pipeline p = Pipeline.builder("smoke")
          .stage("a", s -> s.run("echo hello; echo version=1.2 >> \"$PIPELINE_OUTPUT\"").outputs("version"))
          .stage("b", s -> s.needs("a").run("echo got ${{ stages.a.outputs.version }}"))
          .build();
      Execution e = ex.execute(p);
      e.subscribe(ev -> System.out.println("EVENT " + ev));
      ExecutionSnapshot done = e.completion().get(30, TimeUnit.SECONDS);
      System.out.println(done);
      assertThat(done.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
      assertThat(e.logs().read("b", 1, 100)).extracting(LogLine::text).contains("got 1.2");
    }
  }
}
