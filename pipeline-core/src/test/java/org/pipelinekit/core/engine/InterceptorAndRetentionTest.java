package org.pipelinekit.core.engine;

import org.pipelinekit.core.run.ExecutionStatus;
import org.pipelinekit.core.run.LogLine;
import org.pipelinekit.core.run.StageStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.pipelinekit.core.engine.EngineTesting.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.core.spi.StepExit;
import org.pipelinekit.core.spi.StepInterceptor;
import org.pipelinekit.core.testing.MutableClock;

class InterceptorAndRetentionTest {
  @TempDir Path dir;

  private static StepInterceptor recording(String id, List<String> calls) {
    return new StepInterceptor() {
      @Override
      public String id() {
        return id;
      }

      @Override
      public CompletionStage<StepExit> intercept(Chain chain) {
        calls.add(id + " before " + chain.context().stage().id() + "#" + chain.context().stepIndex()
            + (chain.context().isFirstStep() ? " first" : "") + (chain.context().isLastStep() ? " last" : ""));
        return chain.proceed().thenApply(exit -> {
          calls.add(id + " after " + exit.exitCode());
          return exit;
        });
      }
    };
  }

  @Test
  void interceptorsWrapEachStepInOrder() throws Exception {
    List<String> calls = new CopyOnWriteArrayList<>();
    try (PipelineExecutor ex = PipelineExecutor.builder().dataDirectory(dir)
        .interceptor(recording("outer", calls)).interceptor(recording("inner", calls)).build()) {
      Pipeline p = Pipeline.builder("wrapped").stage("a", s -> s.run("true").run("exit 0")).build();
      assertThat(await(ex.execute(p)).status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    }
    assertThat(calls).containsExactly("outer before a#0 first", "inner before a#0 first", "inner after 0", "outer after 0",
        "outer before a#1 last", "inner before a#1 last", "inner after 0", "outer after 0");
  }

  @Test
  void anInterceptorMayProceedOnlyOnce_orSkipTheStep() throws Exception {
    StepInterceptor twice = new StepInterceptor() {
      @Override public String id() { return "greedy"; }
      @Override public CompletionStage<StepExit> intercept(Chain chain) {
        chain.proceed();
        return chain.proceed();
      }
    };
    try (PipelineExecutor ex = PipelineExecutor.builder().dataDirectory(dir.resolve("1")).interceptor(twice).build()) {
      Execution e = ex.execute(Pipeline.builder("twice").stage("a", s -> s.run("echo ran")).build());
      ExecutionSnapshot done = await(e);
      assertThat(done.stage("a").status()).isEqualTo(StageStatus.FAILED);
      assertThat(done.stage("a").reason().orElseThrow()).contains("interceptor greedy called proceed() twice");
    }
    StepInterceptor skip = new StepInterceptor() {
      @Override public String id() { return "skip"; }
      @Override public CompletionStage<StepExit> intercept(Chain chain) {
        return CompletableFuture.completedFuture(StepExit.SUCCESS);
      }
    };
    try (PipelineExecutor ex = PipelineExecutor.builder().dataDirectory(dir.resolve("2")).interceptor(skip).build()) {
      Execution e = ex.execute(Pipeline.builder("skipped").stage("a", s -> s.run("echo should-not-run")).build());
      assertThat(await(e).status()).isEqualTo(ExecutionStatus.SUCCEEDED);
      assertThat(e.logs().read("a", 1, 10)).extracting(LogLine::text).doesNotContain("should-not-run");
    }
  }

  @Test
  void retentionSweepDeletesOldExecutionsWithTheirLogsAndWorkspaces() throws Exception {
    MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    try (PipelineExecutor ex = PipelineExecutor.builder().dataDirectory(dir).clock(clock).logRetention(Duration.ofDays(90)).build()) {
      Pipeline p = Pipeline.builder("old").stage("a", s -> s.run("echo x > file")).build();
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
