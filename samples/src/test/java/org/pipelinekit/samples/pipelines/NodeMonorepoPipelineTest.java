package org.pipelinekit.samples.pipelines;

import static org.pipelinekit.test.PipelineAssertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.core.run.StageStatus;
import org.pipelinekit.test.PipelineRun;
import org.pipelinekit.test.PipelineTest;
import org.pipelinekit.test.PipelineTester;
import org.pipelinekit.test.Trigger;

/** {@code node-monorepo.pipeline.kts}: install, lint and a test per package, build, publish from main; 10-minute step timeouts by default. */
@PipelineTest
class NodeMonorepoPipelineTest {
  static Pipeline monorepo;

  @BeforeAll
  static void read() {
    monorepo = SamplePipelines.script("node-monorepo.pipeline.kts");
  }

  static void stubs(PipelineTester tester) {
    tester.otherStepsSucceed();
    tester.command("^npm ci").takes(Duration.ofMinutes(2));
    tester.step("lint", "npm run lint").takes(Duration.ofMinutes(1));
    tester.command("^npm test").prints("# pass 12").takes(Duration.ofMinutes(3));
    tester.step("build", "npm run build --workspaces").takes(Duration.ofMinutes(1));
    tester.command("require\\('./package.json'\\)").writesOutput("version", "1.4.0");
  }

  @Test
  void onMain_eachPackageIsTestedInItsOwnJob_andTheBuiltVersionIsPublished(PipelineTester tester) {
    stubs(tester);
    PipelineRun run = tester.run(monorepo, Trigger.push("main"));
    assertThat(run).succeeded()
        .ranInOrder("install", "test", "build", "publish")
        .ranInParallel("lint", "test")
        .stage("test").hasMatrixJobs(Map.of("package", "shared"), Map.of("package", "api"), Map.of("package", "web"))
            .ranCommand("npm test --workspace=packages/api").hadEnv("NODE_OPTIONS", "--max-old-space-size=2048").and()
        .stage("publish").ranCommand("echo \"would publish @acme/* 1.4.0\"").and()
        .took(Duration.ofMinutes(6));
  }

  @Test
  void oneFailingPackage_failsTheTests_butTheOtherPackagesStillRun(PipelineTester tester) {
    stubs(tester);
    tester.command("^npm test --workspace=packages/web").exits(1).prints("# fail 1").takes(Duration.ofMinutes(3));
    PipelineRun run = tester.run(monorepo, Trigger.push("main"));
    assertThat(run).failed()
        .stage("test").failed().tookAttempts(2).and() // retry(1)
        .stage("build").wasSkipped().and()
        .didNotRun("publish");
    org.assertj.core.api.Assertions.assertThat(run.snapshot().stage("test").jobs())
        .extracting(j -> j.matrix().get("package") + ":" + j.status())
        .containsExactlyInAnyOrder("shared:SUCCEEDED", "api:SUCCEEDED", "web:FAILED"); // failFast = false
  }

  @Test
  void anInstallThatHangs_timesOutAfterTheDefaultTenMinutes_withoutWaitingThem(PipelineTester tester) {
    stubs(tester);
    tester.command("^npm ci").takes(Duration.ofHours(2));
    PipelineRun run = tester.run(monorepo, Trigger.push("main"));
    assertThat(run).failed()
        .stage("install").hasStatus(StageStatus.TIMED_OUT).took(Duration.ofMinutes(10)).and()
        .didNotRun("lint", "test", "build", "publish");
  }
}
