package org.pipelinekit.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.pipelinekit.core.engine.EngineTesting.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.core.run.ExecutionEvent.JobFinished;
import org.pipelinekit.core.run.ExecutionEvent.LogAppended;
import org.pipelinekit.core.run.ExecutionStatus;
import org.pipelinekit.core.run.ExecutionTrigger;
import org.pipelinekit.core.run.LogLine;
import org.pipelinekit.core.run.StageStatus;

/** Steps with conditions: after a failure, always, after a cancel; steps whose failure the job shrugs off. */
class StepConditionsTest {
  @TempDir Path dir;

  private static List<String> log(Execution e, String stage) {
    return e.logs().read(stage, 1, 1000).stream().map(LogLine::text).toList();
  }

  @Test
  void aFailureStepRunsAfterAFailingStep_andTheJobKeepsTheFailingStepsExitCode() throws Exception {
    EngineTesting.Recorder rec = new EngineTesting.Recorder();
    try (PipelineExecutor ex = PipelineExecutor.builder().dataDirectory(dir).build()) {
      Pipeline p = Pipeline.builder("post").stage("test", s -> s
          .step(st -> st.name("tests").run("echo testing; exit 3"))
          .step(st -> st.name("next").run("echo never"))
          .step(st -> st.name("report").when("failure()").run("echo collecting reports"))
          .step(st -> st.name("cleanup").when("always()").run("echo cleaning; exit 9"))
          .step(st -> st.name("on success").when("success()").run("echo not-after-a-failure"))).build();
      Execution e = ex.execute(p, ExecutionTrigger.manual(), Map.of(), rec);
      ExecutionSnapshot done = await(e);
      assertThat(done.stage("test").status()).isEqualTo(StageStatus.FAILED);
      assertThat(done.stage("test").reason()).contains("step 1 (tests) exited with 3");
      rec.waitFor(ev -> ev instanceof JobFinished);
      assertThat(rec.of(JobFinished.class).get(0).exitCode()).contains(3);
      assertThat(log(e, "test")).contains("testing", "collecting reports", "cleaning").doesNotContain("never", "not-after-a-failure");
    }
  }

  @Test
  void onSuccess_conditionalStepsRunWhenTheirConditionHolds_andContinueOnErrorLetsTheJobGoOn() throws Exception {
    try (PipelineExecutor ex = PipelineExecutor.builder().dataDirectory(dir).build()) {
      Pipeline p = Pipeline.builder("conditions").stage("build", s -> s.outputs("hit")
          .step(st -> st.run("echo hit=false >> \"$PIPELINE_OUTPUT\""))
          .step(st -> st.name("install").when("outputs.hit != 'true'").run("echo installing"))
          .step(st -> st.name("skip me").when("branch == 'release'").run("echo released"))
          .step(st -> st.name("flaky lint").continueOnError(true).run("exit 2"))
          .step(st -> st.name("only on failure").when("failure()").run("echo failure-ran"))
          .step(st -> st.name("package").run("echo packaged"))).build();
      Execution e = ex.execute(p, ExecutionTrigger.manual().branch("main"), Map.of());
      ExecutionSnapshot done = await(e);
      assertThat(done.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
      assertThat(log(e, "build")).contains("installing", "○ skip me skipped: `branch == 'release'` is false",
          "✗ exit code 2 (continueOnError: the job goes on)", "packaged").doesNotContain("released", "failure-ran");
    }
  }

  @Test
  void anAlwaysStepRunsAfterACancel_withinTheGrace() throws Exception {
    EngineTesting.Recorder rec = new EngineTesting.Recorder();
    try (PipelineExecutor ex = PipelineExecutor.builder().dataDirectory(dir).cancelGracePeriod(Duration.ofMillis(300)).build()) {
      Pipeline p = Pipeline.builder("cancelled").stage("deploy", s -> s
          .step(st -> st.name("deploy").run("echo deploying; sleep 600"))
          .step(st -> st.name("release lock").when("always()").run("echo released > '" + dir + "/lock'; echo lock released"))
          .step(st -> st.name("notify").when("cancelled()").run("echo was cancelled"))
          .step(st -> st.name("next").run("echo never"))).build();
      Execution e = ex.execute(p, ExecutionTrigger.manual(), Map.of(), rec);
      rec.waitFor(ev -> ev instanceof LogAppended l && l.line().text().equals("deploying"));
      e.cancel("stop the deploy");
      ExecutionSnapshot done = await(e);
      assertThat(done.status()).isEqualTo(ExecutionStatus.CANCELLED);
      assertThat(done.stage("deploy").status()).isEqualTo(StageStatus.CANCELLED);
      assertThat(log(e, "deploy")).contains("lock released", "was cancelled").doesNotContain("never");
      assertThat(Files.readString(dir.resolve("lock"))).isEqualTo("released\n");
    }
  }
}
