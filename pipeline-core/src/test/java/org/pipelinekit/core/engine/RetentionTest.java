package org.pipelinekit.core.engine;

import org.pipelinekit.core.run.ExecutionStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.pipelinekit.core.engine.EngineTesting.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.core.testing.MutableClock;

class RetentionTest {
  @TempDir Path dir;

  @Test
  void retentionSweepDeletesOldExecutionsWithTheirLogsAndWorkspaces() throws Exception {
    MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    try (PipelineExecutor ex = PipelineExecutor.builder().dataDirectory(dir).clock(clock).logRetention(Duration.ofDays(90)).build()) {
      Pipeline p = Pipeline.builder("old").workspace(org.pipelinekit.core.model.WorkspaceMode.SHARED).stage("a", s -> s.run("echo x > file")).build();
      String first = await(ex.execute(p)).id();
      clock.advance(Duration.ofDays(60));
      String second = await(ex.execute(p)).id();
      clock.advance(Duration.ofDays(31));
      assertThat(ex.sweepRetention()).isEqualTo(1);
      assertThat(ex.execution(first)).isEmpty();
      assertThat(ex.execution(second)).isPresent();
      assertThat(dir.resolve("logs").resolve(first)).doesNotExist();
      assertThat(dir.resolve("runs").resolve(first)).doesNotExist();
      assertThat(Files.exists(dir.resolve("runs").resolve(second).resolve("workspace/file"))).isTrue();
    }
  }
}
