package org.pipelinekit.core.simulate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.core.model.RetryOn;
import org.pipelinekit.core.run.ExecutionStatus;
import org.pipelinekit.core.run.ExecutionTrigger;
import org.pipelinekit.core.run.StageStatus;
import org.pipelinekit.core.validate.PipelineValidationException;

/**
 * The engine's own semantics on virtual time: a run of hours is simulated at once, scripted steps take their time in
 * parallel, back-offs and timeouts fire when the clock reaches them, approvals are decided by the approver, and a step
 * nothing answers fails with a message that says what to do.
 */
class SimulationTest {
  static final Pipeline PIPELINE = Pipeline.builder("release")
      .stage("build", s -> s.run("compile", "mvn -B package"))
      .stage("test", s -> s.needs("build").matrix(m -> m.axis("jdk", "17", "21")).run("mvn -B verify -Djdk=${{ matrix.jdk }}"))
      .stage("lint", s -> s.needs("build").run("npm run lint"))
      .stage("flaky", s -> s.needs("build").retry(r -> r.limit(2).on(RetryOn.EXIT_CODE).backoff(Duration.ofMinutes(1), 2, Duration.ofMinutes(10)))
          .run("./e2e.sh"))
      .stage("deploy", s -> s.needs("test", "lint", "flaky").when("branch == 'main'").approval(a -> a.approvers("leads"))
          .env("TARGET", "prod").run("./deploy.sh $TARGET"))
      .build();

  /** Each step takes 20 virtual minutes; e2e fails its first attempt. */
  static final StepScript SCRIPT = step -> {
    if (step.command().orElse("").equals("./e2e.sh") && step.attempt() == 1) {
      return Optional.of(new StepScript.Answer(1, List.of("e2e: 1 failure"), Map.of(), Duration.ofMinutes(20), Map.of()));
    }
    return Optional.of(new StepScript.Answer(0, List.of("ok"), Map.of("done", "yes"), Duration.ofMinutes(20), Map.of()));
  };

  @Test
  void aRunOfHours_isSimulatedAtOnce_withTheEnginesOwnRetriesNeedsAndApprovals() {
    try (Simulation sim = Simulation.builder().script(SCRIPT)
        .approver(a -> Optional.of(Approver.Decision.approve(Approver.anApproverOf(a, "dana")))).build()) {
      SimulatedRun run = sim.run(PIPELINE, ExecutionTrigger.of("push").branch("main"), Map.of());
      assertThat(run.outcome()).as(run.timeline()).isEqualTo(SimulatedRun.Outcome.FINISHED);
      assertThat(run.snapshot().status()).as(run.timeline()).isEqualTo(ExecutionStatus.SUCCEEDED);
      // build 20m; test (2 jobs), lint and flaky's first attempt in parallel 20m; flaky's back-off 1m and second attempt 20m; deploy 20m
      assertThat(run.took()).as(run.timeline()).isEqualTo(Duration.ofMinutes(81));
      assertThat(run.snapshot().stage("flaky").attempts()).isEqualTo(2);
      assertThat(run.snapshot().stage("test").jobs()).hasSize(2);
      assertThat(run.steps("test")).extracting(s -> s.request().command().orElseThrow())
          .containsExactlyInAnyOrder("mvn -B verify -Djdk=17", "mvn -B verify -Djdk=21");
      assertThat(run.steps("deploy")).singleElement().satisfies(s -> {
        assertThat(s.request().env()).containsEntry("TARGET", "prod");
        assertThat(s.request().stepName()).isEqualTo("./deploy.sh $TARGET");
      });
      assertThat(run.steps("build")).singleElement().extracting(s -> s.request().stepName()).isEqualTo("compile");
      assertThat(run.snapshot().stage("build").outputs()).containsEntry("done", "yes");
    }
  }

  @Test
  void aConditionSkipsOnAnotherBranch_andTheSkipSaysWhy() {
    try (Simulation sim = Simulation.builder().build()) {
      SimulatedRun run = sim.run(PIPELINE, ExecutionTrigger.of("push").branch("feature/x"), Map.of());
      assertThat(run.outcome()).isEqualTo(SimulatedRun.Outcome.FINISHED);
      assertThat(run.snapshot().stage("deploy").status()).isEqualTo(StageStatus.SKIPPED);
      assertThat(run.snapshot().stage("deploy").reason()).hasValueSatisfying(r -> assertThat(r).contains("branch == 'main'"));
      assertThat(run.took()).isZero();
    }
  }

  @Test
  void anApprovalNobodyDecides_stopsTheSimulationThere() {
    try (Simulation sim = Simulation.builder().build()) {
      SimulatedRun run = sim.run(PIPELINE, ExecutionTrigger.of("push").branch("main"), Map.of());
      assertThat(run.outcome()).isEqualTo(SimulatedRun.Outcome.WAITING_FOR_APPROVAL);
      assertThat(run.waitingForApproval()).containsExactly("deploy");
      assertThat(run.snapshot().stage("deploy").status()).isEqualTo(StageStatus.WAITING_APPROVAL);
      assertThat(run.timeline()).contains("waiting for approval: deploy");
    }
  }

  @Test
  void aStepLongerThanItsTimeout_timesOutOnVirtualTime() {
    Pipeline p = Pipeline.builder("slow").stage("slow", s -> s.timeout(Duration.ofMinutes(10)).run("sleep 3600")).build();
    try (Simulation sim = Simulation.builder()
        .script(step -> Optional.of(new StepScript.Answer(0, List.of(), Map.of(), Duration.ofHours(1), Map.of()))).build()) {
      SimulatedRun run = sim.run(p, ExecutionTrigger.manual(), Map.of());
      assertThat(run.snapshot().stage("slow").status()).isEqualTo(StageStatus.TIMED_OUT);
      assertThat(run.took()).isEqualTo(Duration.ofMinutes(10));
      assertThat(run.steps()).singleElement().extracting(SimulatedStep::how).isEqualTo(SimulatedStep.How.CANCELLED);
    }
  }

  @Test
  void aStepNothingAnswers_failsWithWhatToDo_orRunsForReal() {
    Pipeline p = Pipeline.builder("real").stage("hello", s -> s.run("echo hello from a real process")).build();
    try (Simulation sim = Simulation.builder().script(step -> Optional.empty()).build()) {
      SimulatedRun run = sim.run(p, ExecutionTrigger.manual(), Map.of());
      assertThat(run.snapshot().stage("hello").status()).isEqualTo(StageStatus.FAILED);
      assertThat(run.snapshot().stage("hello").reason()).hasValueSatisfying(r -> assertThat(r)
          .contains("the simulation has no answer for hello step 1 'echo hello from a real process'").contains("script it"));
    }
    try (Simulation sim = Simulation.builder().script(step -> Optional.empty()).runUnscriptedSteps(true).build()) {
      SimulatedRun run = sim.run(p, ExecutionTrigger.manual(), Map.of());
      assertThat(run.snapshot().status()).isEqualTo(ExecutionStatus.SUCCEEDED);
      assertThat(run.steps()).singleElement().extracting(SimulatedStep::how).isEqualTo(SimulatedStep.How.REAL);
      assertThat(run.execution().logs().read("hello", 1, 100)).anySatisfy(l -> assertThat(l.text()).isEqualTo("hello from a real process"));
    }
  }

  @Test
  void anInvalidPipeline_isRefusedBeforeAnythingRuns() {
    Pipeline p = Pipeline.builder("bad").stage("a", s -> s.type("nowhere").with("x", 1)).build();
    try (Simulation sim = Simulation.builder().build()) {
      assertThatThrownBy(() -> sim.run(p, ExecutionTrigger.manual(), Map.of())).isInstanceOf(PipelineValidationException.class)
          .hasMessageContaining("nowhere");
    }
  }
}
