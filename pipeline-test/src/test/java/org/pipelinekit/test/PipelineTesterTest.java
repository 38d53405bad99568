package org.pipelinekit.test;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.pipelinekit.test.PipelineAssertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.pipelinekit.core.model.Pipeline;

/** The kit's own behaviour: which stub answers, files handed to later stages, and failure messages that show the run. */
@PipelineTest
class PipelineTesterTest {
  static final Pipeline PIPELINE = Pipeline.builder("kit")
      .stage("build", s -> s.run("compile", "make all").run("package", "tar czf app.tgz build/"))
      .stage("test", s -> s.needs("build").run("make test"))
      .build();

  @Test
  void theStubDeclaredLastWins_andAnAttemptStubOnlyItsAttempt(PipelineTester tester) {
    tester.otherStepsSucceed();
    tester.stage("build").prints("first");
    tester.step("build", "compile").prints("second");
    tester.command("^make test").exits(1).onAttempt(2); // never asked: no retry
    PipelineRun run = tester.run(PIPELINE);
    assertThat(run).succeeded()
        .stage("build").printed("second").printed("first").and() // compile: second; package: the stage's stub
        .stage("test").succeeded();
  }

  @Test
  void aFileAStepWrites_isInItsWorkspace_forTheStepsAfterIt(PipelineTester tester) {
    Pipeline p = Pipeline.builder("files").stage("build", s -> s.run("make").run("cat", "cat build/version.txt")).build();
    tester.step("build", "make").writesFile("build/version.txt", "1.2.3");
    tester.runOtherStepsForReal();
    PipelineRun run = tester.run(p);
    assertThat(run).succeeded().stage("build").printed("1.2.3");
  }

  @Test
  void filesAStageHandsOn_reachTheStagesThatNeedIt_andNoOthers(PipelineTester tester) {
    Pipeline p = Pipeline.builder("handoff")
        .stage("build", s -> s.run("compile", "make jar").artifacts(a -> a.path("target/*.jar")))
        .stage("lint", s -> s.run("make lint"))
        .stage("deploy", s -> s.needs("build", "lint").run("./deploy.sh target/app.jar"))
        .build();
    tester.otherStepsSucceed();
    tester.step("build", "compile").writesFile("target/app.jar", "jar bytes").writesFile("target/scratch.log", "not handed on");
    PipelineRun run = tester.run(p);
    assertThat(run).succeeded()
        .stage("deploy").startedWithFile("target/app.jar").startedWithoutFile("target/scratch.log").and()
        .stage("lint").startedWithoutFile("target/app.jar");
  }

  @Test
  void aFailingAssertion_showsTheRunsTimeline(PipelineTester tester) {
    tester.otherStepsSucceed();
    tester.stage("build").takes(Duration.ofMinutes(3));
    tester.stage("test").exits(2).takes(Duration.ofMinutes(7));
    PipelineRun run = tester.run(PIPELINE, Trigger.push("main"));
    assertThatThrownBy(() -> assertThat(run).succeeded())
        .hasMessageContaining("expected the run to end SUCCEEDED but it is FAILED")
        .hasMessageContaining("a run of kit (push of main):")
        .hasMessageContaining("+0:00:00  +0:06:00  build") // two steps of 3 minutes
        .hasMessageContaining("+0:06:00  +0:13:00  test                     FAILED           — step 1 (make test) exited with 2");
    assertThatThrownBy(() -> assertThat(run).ranInOrder("test", "build"))
        .hasMessageContaining("expected 'build' to start after 'test' ended");
    assertThatThrownBy(() -> assertThat(run).stage("deploy"))
        .hasMessageContaining("the run has no stage 'deploy'; its stages are [build, test]");
  }
}
