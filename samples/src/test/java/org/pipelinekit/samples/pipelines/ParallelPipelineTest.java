package org.pipelinekit.samples.pipelines;

import static org.pipelinekit.test.PipelineAssertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.test.PipelineRun;
import org.pipelinekit.test.PipelineTest;
import org.pipelinekit.test.PipelineTester;
import org.pipelinekit.test.Trigger;

/** {@code parallel.yaml}: fan-out to lint and a matrix of unit tests, fan-in to package, publish from main. Its steps are echoes, so they run for real. */
@PipelineTest
class ParallelPipelineTest {
  static final Pipeline PARALLEL = SamplePipelines.yaml("parallel.yaml");

  @Test
  void lintAndTheUnitMatrixRunSideBySide_thenPackageAndPublishTheVersion(PipelineTester tester) {
    tester.runOtherStepsForReal(); // (package writes its version to $PIPELINE_OUTPUT for real)
    tester.stage("lint").prints("lint ok").takes(Duration.ofMinutes(2));
    tester.stage("unit").prints("unit ok").takes(Duration.ofMinutes(5));
    PipelineRun run = tester.run(PARALLEL, Trigger.push("main"));
    assertThat(run).succeeded()
        .ranInParallel("lint", "unit")
        .ranInOrder("checkout", "unit", "package", "publish")
        .stage("unit").hasMatrixJobs(Map.of("os", "linux", "jdk", "17"), Map.of("os", "linux", "jdk", "21"), Map.of("os", "macos", "jdk", "21"))
            .took(Duration.ofMinutes(5)).and()
        .stage("package").hasOutput("version", "1.0.1").startedAfter(Duration.ofMinutes(5)).and()
        .stage("publish").ranCommand("echo publishing 1.0.1").printed("publishing 1.0.1");
  }

  @Test
  void onAPullRequest_nothingIsPublished(PipelineTester tester) {
    tester.runOtherStepsForReal();
    PipelineRun run = tester.run(PARALLEL, Trigger.pullRequest("feature/x"));
    assertThat(run).succeeded().ran("checkout", "lint", "unit", "package")
        .stage("publish").wasSkippedBecause("branch == 'main'");
  }
}
