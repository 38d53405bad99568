package org.pipelinekit.samples.pipelines;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.pipelinekit.test.PipelineAssertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.core.run.ExecutionStatus;
import org.pipelinekit.test.PipelineRun;
import org.pipelinekit.test.PipelineTest;
import org.pipelinekit.test.PipelineTester;
import org.pipelinekit.test.Trigger;

/**
 * {@code deploy.pipeline.kts}: staging, a smoke test retried after a back-off, production once approved and only from
 * main, an announcement always. Its rollouts and the Slack call are stubbed: nothing here needs a cluster or the
 * network, and the hour a real deploy takes passes in virtual time.
 */
@PipelineTest
class DeployPipelineTest {
  static Pipeline deploy;

  @BeforeAll
  static void read() {
    deploy = SamplePipelines.script("deploy.pipeline.kts");
  }

  /** Rollouts of 4 and 12 minutes, a smoke test of 6 that fails once. */
  static void stubs(PipelineTester tester) {
    tester.secret("SLACK_WEBHOOK", "https://hooks.example.org/T0");
    tester.stage("staging").prints("deployment.apps/orders rolled out").takes(Duration.ofMinutes(4));
    tester.stage("smoke-test").writesOutput("passed", "true").takes(Duration.ofMinutes(6));
    tester.stage("smoke-test").onAttempt(1).exits(1).prints("1 failed: @smoke checkout").writesOutput("passed", "false")
        .takes(Duration.ofMinutes(6));
    tester.stage("production").prints("deployment.apps/orders rolled out").takes(Duration.ofMinutes(12));
    tester.stage("announce").prints("posted to #deployments");
  }

  @Test
  void onMain_itDeploysToStagingSmokeTestsAndGoesToProductionOnceApproved(PipelineTester tester) {
    stubs(tester);
    tester.approve("production");
    PipelineRun run = tester.run(deploy, Trigger.push("main").param("version", "1.8.2"));
    assertThat(run).succeeded()
        .ranInOrder("staging", "smoke-test", "production", "announce")
        .stage("smoke-test").tookAttempts(2).hasOutput("passed", "true")
            .took(Duration.ofMinutes(6).plusSeconds(10).plusMinutes(6)) // the second attempt after the 10 s back-off
            .ranCommandMatching("npx playwright test --grep @smoke").printed("1 failed: @smoke checkout").and()
        .stage("production").wasApprovedBy("test").startedAfter(Duration.ofMinutes(16).plusSeconds(10)).and()
        .stage("announce").succeeded().and()
        .took(Duration.ofMinutes(28).plusSeconds(10));
  }

  @Test
  void onAFeatureBranch_productionIsSkippedForItsCondition_andTheAnnouncementStillRuns(PipelineTester tester) {
    stubs(tester);
    PipelineRun run = tester.run(deploy, Trigger.push("feature/faster-checkout").param("version", "1.8.2-rc1"));
    assertThat(run).succeeded()
        .ran("staging", "smoke-test", "announce")
        .stage("production").wasSkippedBecause("branch == 'main'").and()
        .stage("announce").printed("posted to #deployments");
  }

  @Test
  void anApprovalNobodyGives_leavesTheRunWaiting_andARejectionFailsIt(PipelineTester tester) {
    stubs(tester);
    PipelineRun waiting = tester.run(deploy, Trigger.push("main").param("version", "1.8.2"));
    assertThat(waiting).isWaitingForApproval("production").hasStatus(ExecutionStatus.RUNNING)
        .ran("staging", "smoke-test").didNotRun("production", "announce");

    tester.reject("production", "not during the sale");
    PipelineRun rejected = tester.run(deploy, Trigger.push("main").param("version", "1.8.2"));
    assertThat(rejected).failed().didNotRun("production")
        .stage("production").hasReasonContaining("not during the sale").and()
        .stage("announce").succeeded(); // always()
  }

  @Test
  void aSmokeTestThatKeepsFailing_stopsTheDeployBeforeProduction(PipelineTester tester) {
    stubs(tester);
    tester.stage("smoke-test").exits(1).takes(Duration.ofMinutes(6));
    tester.approve("production");
    PipelineRun run = tester.run(deploy, Trigger.push("main").param("version", "1.8.2"));
    assertThat(run).failed()
        .stage("smoke-test").failed().tookAttempts(3).and() // limit 2: three attempts, back-offs 10 s then 20 s
        .stage("smoke-test").took(Duration.ofMinutes(18).plusSeconds(30)).and()
        .didNotRun("production");
  }

  @Test
  void aStepNobodyStubbed_failsTheTestWithTheLineThatStubsIt(PipelineTester tester) {
    assertThatThrownBy(() -> tester.run(deploy, Trigger.push("main").param("version", "1.8.2")))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("no stub for 2 steps of the run")
        .hasMessageContaining("stub it: tester.step(\"staging\", \"deploy\")")
        .hasMessageContaining("stub it: tester.step(\"announce\", \"post to Slack\")")
        .hasMessageContaining("tester.otherStepsSucceed()");
  }
}
