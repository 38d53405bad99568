package org.pipelinekit.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.pipelinekit.core.engine.EngineTesting.await;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.core.run.ExecutionStatus;
import org.pipelinekit.core.run.ExecutionTrigger;
import org.pipelinekit.core.run.LogLine;

/** Re-running with step tracing: each command a step runs is logged ({@code set -x}), each line with its time; not traced again unless asked. */
class TracingTest {
  @TempDir Path dir;

  @Test
  void aTracedReRunLogsEveryCommandItsStepsRun() throws Exception {
    Pipeline p = Pipeline.builder("traced")
        .stage("build", s -> s.run("greeting=hello; echo \"$greeting world\"; test -n \"$greeting\" && false"))
        .build();
    try (PipelineExecutor executor = PipelineExecutor.builder().dataDirectory(dir).build()) {
      Execution first = executor.execute(p, ExecutionTrigger.manual(), Map.of());
      assertThat(await(first).status()).isEqualTo(ExecutionStatus.FAILED);
      assertThat(first.logs().read("build", 1, 100)).extracting(LogLine::text).noneMatch(l -> l.startsWith("+ "));

      Execution traced = executor.rerunFailed(first.id(), true);
      assertThat(await(traced).status()).isEqualTo(ExecutionStatus.FAILED);
      assertThat(traced.header().trigger().isTraced()).isTrue();
      assertThat(traced.logs().read("build", 1, 100)).extracting(LogLine::text)
          .containsSubsequence("+ greeting=hello", "+ echo hello world", "hello world", "+ test -n hello", "+ false");
      assertThat(traced.logs().read("build", 1, 100)).extracting(LogLine::time).isSorted(); // each traced command at its own time

      Execution again = executor.rerunFailed(traced.id(), false);
      await(again);
      assertThat(again.logs().read("build", 1, 100)).extracting(LogLine::text).noneMatch(l -> l.startsWith("+ "));
    }
  }
}
