package org.pipelinekit.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.pipelinekit.core.engine.EngineTesting.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.core.model.RetryOn;
import org.pipelinekit.core.run.ExecutionStatus;
import org.pipelinekit.core.run.LogLine;
import org.pipelinekit.core.run.StageStatus;
import org.pipelinekit.core.spi.JobExit;
import org.pipelinekit.core.spi.JobInterceptor;
import org.pipelinekit.core.spi.StepExit;
import org.pipelinekit.core.spi.StepInterceptor;
import org.pipelinekit.core.spi.StepRequest;

/** The two public chains: job interceptors around each attempt of a job, step interceptors around each step. */
class InterceptorChainsTest {
  @TempDir Path dir;

  private static StepInterceptor steps(String id, List<String> calls) {
    return new StepInterceptor() {
      @Override public String id() { return id; }

      @Override
      public CompletionStage<StepExit> intercept(Chain chain) {
        calls.add(id + " before " + chain.context().jobId() + " step " + (chain.context().stepIndex() + 1) + "/" + chain.context().stepCount());
        return chain.proceed().thenApply(exit -> {
          calls.add(id + " after " + exit.exitCode());
          return exit;
        });
      }
    };
  }

  private static JobInterceptor jobs(String id, List<String> calls) {
    return new JobInterceptor() {
      @Override public String id() { return id; }

      @Override
      public CompletionStage<JobExit> intercept(Chain chain) {
        calls.add(id + " before " + chain.context().jobId() + " attempt " + chain.context().attempt());
        return chain.proceed().thenApply(exit -> {
          calls.add(id + " after " + exit.result() + exit.reason().map(r -> " (" + r + ")").orElse(""));
          return exit;
        });
      }
    };
  }

  @Test
  void jobInterceptorsWrapEachAttemptOnce_andStepInterceptorsEachStep_inTheOrderAdded() throws Exception {
    List<String> calls = new CopyOnWriteArrayList<>();
    try (PipelineExecutor ex = PipelineExecutor.builder().dataDirectory(dir).interceptor(jobs("outer", calls)).interceptor(jobs("inner", calls))
        .interceptor(steps("step", calls)).build()) {
      Pipeline p = Pipeline.builder("wrapped").stage("a", s -> s.run("true").run("exit 0")).build();
      assertThat(await(ex.execute(p)).status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    }
    assertThat(calls).containsExactly("outer before a attempt 1", "inner before a attempt 1",
        "step before a step 1/2", "step after 0", "step before a step 2/2", "step after 0",
        "inner after SUCCEEDED", "outer after SUCCEEDED");
  }

  @Test
  void aJobInterceptorSeesAFailureBeforeTheLastStep_andEveryRetryAsItsOwnAttempt() throws Exception {
    List<String> calls = new CopyOnWriteArrayList<>();
    try (PipelineExecutor ex = PipelineExecutor.builder().dataDirectory(dir).interceptor(jobs("job", calls)).build()) {
      Pipeline p = Pipeline.builder("flaky").stage("a", s -> s.run("true").run("exit 3").run("echo never")
          .retry(r -> r.limit(1).on(RetryOn.EXIT_CODE).backoff(org.pipelinekit.core.model.Backoff.NONE))).build();
      ExecutionSnapshot done = await(ex.execute(p));
      assertThat(done.stage("a").status()).isEqualTo(StageStatus.FAILED);
    }
    assertThat(calls).containsExactly("job before a attempt 1", "job after FAILED (step 2 (exit 3) exited with 3)",
        "job before a attempt 2", "job after FAILED (step 2 (exit 3) exited with 3)");
  }

  @Test
  void aJobInterceptorThatDoesNotProceed_runsNoStep_andItsExitIsTheJobs() throws Exception {
    JobInterceptor policy = new JobInterceptor() {
      @Override public String id() { return "policy"; }
      @Override public CompletionStage<JobExit> intercept(Chain chain) {
        chain.context().log("refused: deploys are frozen");
        return CompletableFuture.completedFuture(JobExit.failed(1, "deploys are frozen"));
      }
    };
    try (PipelineExecutor ex = PipelineExecutor.builder().dataDirectory(dir).interceptor(policy).build()) {
      Execution e = ex.execute(Pipeline.builder("frozen").stage("deploy", s -> s.run("echo deployed")).build());
      ExecutionSnapshot done = await(e);
      assertThat(done.stage("deploy").status()).isEqualTo(StageStatus.FAILED);
      assertThat(done.stage("deploy").reason()).contains("deploys are frozen");
      assertThat(e.logs().read("deploy", 1, 10)).extracting(LogLine::text).contains("refused: deploys are frozen").doesNotContain("deployed");
    }
  }

  @Test
  void anInterceptorThatProceedsTwice_failsTheJobOrStep_namingIt() throws Exception {
    JobInterceptor greedyJob = new JobInterceptor() {
      @Override public String id() { return "greedy-job"; }
      @Override public CompletionStage<JobExit> intercept(Chain chain) {
        chain.proceed();
        return chain.proceed();
      }
    };
    try (PipelineExecutor ex = PipelineExecutor.builder().dataDirectory(dir.resolve("1")).interceptor(greedyJob).build()) {
      ExecutionSnapshot done = await(ex.execute(Pipeline.builder("twice").stage("a", s -> s.run("echo ran")).build()));
      assertThat(done.stage("a").status()).isEqualTo(StageStatus.FAILED);
      assertThat(done.stage("a").reason().orElseThrow()).contains("job interceptor greedy-job called proceed() twice");
    }
    StepInterceptor greedyStep = new StepInterceptor() {
      @Override public String id() { return "greedy"; }
      @Override public CompletionStage<StepExit> intercept(Chain chain) {
        chain.proceed();
        return chain.proceed();
      }
    };
    try (PipelineExecutor ex = PipelineExecutor.builder().dataDirectory(dir.resolve("2")).interceptor(greedyStep).build()) {
      ExecutionSnapshot done = await(ex.execute(Pipeline.builder("twice").stage("a", s -> s.run("echo ran")).build()));
      assertThat(done.stage("a").status()).isEqualTo(StageStatus.FAILED);
      assertThat(done.stage("a").reason().orElseThrow()).contains("interceptor greedy called proceed() twice");
    }
  }

  @Test
  void aStepStartedByAnInterceptorThatAnswersWithoutWaitingForIt_isStoppedBeforeTheJobEnds() throws Exception {
    java.nio.file.Path pidFile = dir.resolve("step.pid");
    java.util.concurrent.CompletableFuture<Void> pidWritten = new java.util.concurrent.CompletableFuture<>();
    StepInterceptor impatient = new StepInterceptor() {
      @Override public String id() { return "impatient"; }
      @Override public CompletionStage<StepExit> intercept(Chain chain) {
        chain.proceed(); // starts the step, then answers at once without its exit
        return pidWritten.thenApply(v -> StepExit.SUCCESS);
      }
    };
    try (PipelineExecutor ex = PipelineExecutor.builder().dataDirectory(dir).interceptor(impatient).cancelGracePeriod(Duration.ofMillis(200))
        .build()) {
      Execution e = ex.execute(Pipeline.builder("orphan").stage("a", s -> s.run("echo $$ > '" + pidFile + "'; echo written; sleep 600")).build(),
          org.pipelinekit.core.run.ExecutionTrigger.manual(), Map.of(), ev -> {
            if (ev instanceof org.pipelinekit.core.run.ExecutionEvent.LogAppended l && l.line().text().equals("written")) pidWritten.complete(null);
          });
      ExecutionSnapshot done = await(e);
      assertThat(done.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
      long pid = Long.parseLong(java.nio.file.Files.readString(pidFile).strip());
      assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).as("the step the interceptor left running was stopped")
          .isNotEqualTo(java.util.Optional.of(true));
    }
  }

  @Test
  void aStepInterceptorThatDoesNotProceed_skipsTheStep() throws Exception {
    StepInterceptor skip = new StepInterceptor() {
      @Override public String id() { return "skip"; }
      @Override public CompletionStage<StepExit> intercept(Chain chain) {
        return CompletableFuture.completedFuture(StepExit.SUCCESS);
      }
    };
    try (PipelineExecutor ex = PipelineExecutor.builder().dataDirectory(dir).interceptor(skip).build()) {
      Execution e = ex.execute(Pipeline.builder("skipped").stage("a", s -> s.run("echo should-not-run")).build());
      assertThat(await(e).status()).isEqualTo(ExecutionStatus.SUCCEEDED);
      assertThat(e.logs().read("a", 1, 10)).extracting(LogLine::text).doesNotContain("should-not-run");
    }
  }

  @Test
  void aStepInterceptorHandsTheRestOfTheChainAChangedRequest() throws Exception {
    StepInterceptor proxy = new StepInterceptor() {
      @Override public String id() { return "proxy"; }
      @Override public CompletionStage<StepExit> intercept(Chain chain) {
        StepRequest r = chain.request().orElseThrow();
        Map<String, String> env = new HashMap<>(r.env());
        env.put("HTTPS_PROXY", "http://proxy.example:3128");
        return chain.proceed(new StepRequest(r.command(), env, r.workingDirectory(), r.image(), r.resources(), r.labels()));
      }
    };
    try (PipelineExecutor ex = PipelineExecutor.builder().dataDirectory(dir).interceptor(proxy).build()) {
      Execution e = ex.execute(Pipeline.builder("proxied").stage("a", s -> s.run("echo \"proxy=$HTTPS_PROXY\"")).build());
      assertThat(await(e).status()).isEqualTo(ExecutionStatus.SUCCEEDED);
      assertThat(e.logs().read("a", 1, 10)).extracting(LogLine::text).contains("proxy=http://proxy.example:3128");
    }
  }
}
