package org.pipelinekit.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.pipelinekit.core.engine.EngineTesting.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.core.model.RetryOn;
import org.pipelinekit.core.run.ExecutionEvent.ApprovalRequested;
import org.pipelinekit.core.run.ExecutionEvent.JobRetrying;
import org.pipelinekit.core.run.ExecutionEvent.JobStarted;
import org.pipelinekit.core.run.ExecutionEvent.StepStarted;
import org.pipelinekit.core.run.ExecutionStatus;
import org.pipelinekit.core.run.ExecutionTrigger;
import org.pipelinekit.core.run.LogLine;
import org.pipelinekit.core.run.StageStatus;
import org.pipelinekit.core.testing.ManualTimer;
import org.pipelinekit.core.testing.MutableClock;

/**
 * Retry back-offs, step, stage and pipeline timeouts and approval deadlines on virtual time: the test advances an
 * injected timer and clock once the engine waits, so nothing depends on how fast a loaded machine is. The steps are
 * real processes; a step that "runs too long" prints a line (its StepStarted) and sleeps 600 s, which only the timeout ends.
 */
class VirtualTimeTest {
  @TempDir Path dir;
  final MutableClock clock = new MutableClock(Instant.parse("2026-12-06T12:00:00Z"));
  final ManualTimer timer = new ManualTimer(clock);
  PipelineExecutor executor;

  @BeforeEach
  void open() {
    executor = PipelineExecutor.builder().dataDirectory(dir).clock(clock).timer(timer).cancelGracePeriod(Duration.ofMillis(500))
        .retentionSweepInterval(Duration.ZERO).build();
  }

  @AfterEach
  void close() {
    executor.close();
  }

  @Test
  void retriesAfterExactlyTheExponentialBackoff_andKeepsEveryAttemptsLog() throws Exception {
    EngineTesting.Recorder rec = new EngineTesting.Recorder();
    Pipeline p = Pipeline.builder("retry")
        .stage("flaky", s -> s.retry(r -> r.limit(3).on(RetryOn.EXIT_CODE).backoff(Duration.ofSeconds(20), 2, Duration.ofMinutes(5)))
            .run("c='" + dir + "/count'; n=$(cat \"$c\" 2>/dev/null || echo 0); n=$((n+1)); echo $n > \"$c\"; echo attempt $n; [ $n -ge 3 ]"))
        .build();
    Execution e = executor.execute(p, ExecutionTrigger.manual(), Map.of(), rec);
    timer.awaitPending(1);
    assertThat(timer.pending()).containsExactly(Duration.ofSeconds(20));
    timer.advance(Duration.ofSeconds(20));
    rec.waitFor(ev -> ev instanceof JobRetrying r && r.attempt() == 2);
    timer.awaitPending(1);
    assertThat(timer.pending()).containsExactly(Duration.ofSeconds(40));
    timer.advance(Duration.ofSeconds(40));
    ExecutionSnapshot done = await(e);
    assertThat(done.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(done.stage("flaky").attempts()).isEqualTo(3);
    assertThat(rec.of(JobRetrying.class)).extracting(JobRetrying::delay).containsExactly(Duration.ofSeconds(20), Duration.ofSeconds(40));
    List<JobStarted> starts = rec.of(JobStarted.class);
    assertThat(Duration.between(starts.get(0).time(), starts.get(1).time())).isEqualTo(Duration.ofSeconds(20));
    assertThat(Duration.between(starts.get(1).time(), starts.get(2).time())).isEqualTo(Duration.ofSeconds(40));
    List<LogLine> log = e.logs().read("flaky", 1, 100);
    assertThat(log.stream().filter(l -> l.text().startsWith("attempt")).map(l -> l.attempt() + ":" + l.text()))
        .containsExactly("1:attempt 1", "2:attempt 2", "3:attempt 3");
    assertThat(log).extracting(LogLine::number).isSorted().doesNotHaveDuplicates();
  }

  @Test
  void aStepTimeoutStopsTheStep_andATimeoutRetryRunsItAgain() throws Exception {
    EngineTesting.Recorder rec = new EngineTesting.Recorder();
    Pipeline p = Pipeline.builder("step-timeout")
        .stage("slow", s -> s.retry(r -> r.limit(1).on(RetryOn.TIMEOUT).noBackoff())
            .step(st -> st.run("echo started; sleep 600").timeout(Duration.ofMinutes(5))))
        .build();
    Execution e = executor.execute(p, ExecutionTrigger.manual(), Map.of(), rec);
    for (int attempt = 1; attempt <= 2; attempt++) {
      int a = attempt;
      rec.waitFor(ev -> ev instanceof StepStarted st && st.attempt() == a);
      timer.awaitPending(1);
      timer.advance(Duration.ofMinutes(5));
    }
    ExecutionSnapshot done = await(e);
    assertThat(done.stage("slow").status()).isEqualTo(StageStatus.TIMED_OUT);
    assertThat(done.stage("slow").attempts()).isEqualTo(2);
    assertThat(done.stage("slow").reason()).contains("step 1 timed out");
    assertThat(e.logs().read("slow", 1, 100)).extracting(LogLine::text).contains("the step timed out after 5m; stopping it");
  }

  @Test
  void aStageTimeoutCoversAllItsSteps_andSkipsWhatNeedsIt() throws Exception {
    EngineTesting.Recorder rec = new EngineTesting.Recorder();
    Pipeline p = Pipeline.builder("stage-timeout")
        .stage("slow", s -> s.timeout(Duration.ofMinutes(10)).run("echo one").run("echo two; sleep 600"))
        .stage("next", s -> s.needs("slow").run("true"))
        .build();
    Execution e = executor.execute(p, ExecutionTrigger.manual(), Map.of(), rec);
    rec.waitFor(ev -> ev instanceof StepStarted st && st.step() == 2);
    timer.advance(Duration.ofMinutes(10));
    ExecutionSnapshot done = await(e);
    assertThat(done.stage("slow").status()).isEqualTo(StageStatus.TIMED_OUT);
    assertThat(done.stage("slow").reason()).contains("the stage timed out");
    assertThat(done.stage("next").status()).isEqualTo(StageStatus.SKIPPED);
    assertThat(done.status()).isEqualTo(ExecutionStatus.FAILED);
  }

  @Test
  void anAlwaysStepStillRunsAfterTheStageTimedOut() throws Exception {
    EngineTesting.Recorder rec = new EngineTesting.Recorder();
    Pipeline p = Pipeline.builder("timeout-cleanup")
        .stage("slow", s -> s.timeout(Duration.ofMinutes(10))
            .step(st -> st.run("echo working; sleep 600"))
            .step(st -> st.name("cleanup").when("always()").run("echo cleaned up"))
            .step(st -> st.name("next").run("echo never")))
        .build();
    Execution e = executor.execute(p, ExecutionTrigger.manual(), Map.of(), rec);
    rec.waitFor(ev -> ev instanceof StepStarted);
    timer.advance(Duration.ofMinutes(10));
    ExecutionSnapshot done = await(e);
    assertThat(done.stage("slow").status()).isEqualTo(StageStatus.TIMED_OUT);
    assertThat(e.logs().read("slow", 1, 100)).extracting(LogLine::text).contains("cleaned up").doesNotContain("never");
  }

  @Test
  void aPipelineTimeoutEndsTheExecution() throws Exception {
    EngineTesting.Recorder rec = new EngineTesting.Recorder();
    Pipeline p = Pipeline.builder("pipeline-timeout").timeout(Duration.ofMinutes(30))
        .stage("slow", s -> s.run("echo started; sleep 600"))
        .stage("later", s -> s.needs("slow").run("true"))
        .build();
    Execution e = executor.execute(p, ExecutionTrigger.manual(), Map.of(), rec);
    rec.waitFor(ev -> ev instanceof StepStarted);
    timer.advance(Duration.ofMinutes(29));
    assertThat(e.snapshot().status()).isEqualTo(ExecutionStatus.RUNNING);
    timer.advance(Duration.ofMinutes(1));
    ExecutionSnapshot done = await(e);
    assertThat(done.status()).isEqualTo(ExecutionStatus.TIMED_OUT);
    assertThat(done.reason()).contains("the pipeline timed out after 30m");
    assertThat(done.stage("slow").status()).isEqualTo(StageStatus.TIMED_OUT);
    assertThat(done.stage("later").status()).isEqualTo(StageStatus.CANCELLED);
  }

  @Test
  void anApprovalNobodyGivesTimesOutAtItsDeadline() throws Exception {
    EngineTesting.Recorder rec = new EngineTesting.Recorder();
    Pipeline p = Pipeline.builder("approval-timeout")
        .stage("deploy", s -> s.approval(a -> a.approvers("bob").timeout(java.time.Duration.ofHours(24))).run("echo no"))
        .build();
    Execution e = executor.execute(p, ExecutionTrigger.manual(), Map.of(), rec);
    ApprovalRequested asked = (ApprovalRequested) rec.waitFor(ev -> ev instanceof ApprovalRequested);
    assertThat(asked.deadline()).contains(clock.instant().plus(Duration.ofHours(24)));
    timer.awaitPending(1);
    timer.advance(Duration.ofHours(24));
    ExecutionSnapshot done = await(e);
    assertThat(done.stage("deploy").status()).isEqualTo(StageStatus.TIMED_OUT);
    assertThat(done.stage("deploy").reason()).contains("no approval within 1d");
  }

  @Test
  void anEnvironmentsWaitTimerHoldsTheDeploymentAfterItsApproval_andACancelEndsTheWait() throws Exception {
    var environments = org.pipelinekit.core.environment.EnvironmentStore.inMemory();
    environments.put(new org.pipelinekit.core.environment.EnvironmentDefinition("production", Map.of(), java.util.List.of("leads"), 1,
        java.util.List.of(), java.util.Optional.of(Duration.ofMinutes(10))));
    executor.close();
    executor = PipelineExecutor.builder().dataDirectory(dir).clock(clock).timer(timer).cancelGracePeriod(Duration.ofMillis(500))
        .retentionSweepInterval(Duration.ZERO).environments(environments).build();
    Pipeline p = Pipeline.builder("waits").stage("deploy", s -> s.environment("production").run("echo deployed")).build();
    EngineTesting.Recorder rec = new EngineTesting.Recorder();
    Execution e = executor.execute(p, new ExecutionTrigger("push", java.util.Optional.of("main"), java.util.Optional.empty(),
        java.util.Optional.empty()), Map.of(), rec);
    rec.waitFor(ev -> ev instanceof org.pipelinekit.core.run.ExecutionEvent.ApprovalRequested);
    executor.approve(e.id(), "deploy", Principal.of("lena", "leads"));
    timer.awaitPending(1);
    assertThat(timer.pending()).containsExactly(Duration.ofMinutes(10));
    assertThat(rec.of(org.pipelinekit.core.run.ExecutionEvent.StageStarted.class)).as("not started during the wait").isEmpty();
    assertThat(e.logs().read("deploy", 1, 10)).extracting(LogLine::text)
        .contains("waiting 10m before deploying to production (its wait timer)");
    timer.advance(Duration.ofMinutes(10));
    assertThat(EngineTesting.await(e).status()).isEqualTo(ExecutionStatus.SUCCEEDED);

    EngineTesting.Recorder again = new EngineTesting.Recorder();
    Execution cancelled = executor.execute(p, new ExecutionTrigger("push", java.util.Optional.of("main"), java.util.Optional.empty(),
        java.util.Optional.empty()), Map.of(), again);
    again.waitFor(ev -> ev instanceof org.pipelinekit.core.run.ExecutionEvent.ApprovalRequested);
    executor.approve(cancelled.id(), "deploy", Principal.of("lena", "leads"));
    timer.awaitPending(1);
    cancelled.cancel();
    ExecutionSnapshot done = EngineTesting.await(cancelled);
    assertThat(done.status()).isEqualTo(ExecutionStatus.CANCELLED);
    assertThat(done.stage("deploy").status()).as("the wait ends with the cancel, not after 10 minutes").isEqualTo(StageStatus.CANCELLED);
  }
}
