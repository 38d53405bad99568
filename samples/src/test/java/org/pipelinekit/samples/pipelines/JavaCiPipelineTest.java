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

/** {@code java-ci.yaml}: clone, build, test on two JDKs (retried), deploy from main once approved. */
@PipelineTest
public class JavaCiPipelineTest { // (public: the README shows it as a whole file)
  static final Pipeline JAVA_CI = SamplePipelines.yaml("java-ci.yaml");

  /** A build of 3 minutes that records version 2.4.0, tests of 8 minutes. */
  static void stubs(PipelineTester tester) {
    tester.otherStepsSucceed();
    tester.step("build", "maven").prints("BUILD SUCCESS").takes(Duration.ofMinutes(3));
    tester.step("build", "record version").writesOutput("version", "2.4.0");
    tester.step("test", "test").prints("Tests run: 120, Failures: 0").takes(Duration.ofMinutes(8));
  }

  @Test
  void onMain_itBuildsTestsOnBothJdksAndDeploysTheBuiltVersion(PipelineTester tester) {
    stubs(tester);
    tester.approve("deploy");
    PipelineRun run = tester.run(JAVA_CI, Trigger.push("main").param("target", "production"));
    assertThat(run).succeeded()
        .ranInOrder("checkout", "build", "test", "deploy")
        .stage("build").hadEnv("MAVEN_OPTS", "-Xmx1g").hasOutput("version", "2.4.0").and()
        .stage("test").hasMatrixJobs(Map.of("jdk", "17"), Map.of("jdk", "21")).took(Duration.ofMinutes(8)).and()
        .stage("deploy").wasApprovedBy("test").ranCommand("echo \"deploying greeter 2.4.0 to production\"").and()
        .took(Duration.ofMinutes(11));
  }

  @Test
  void aFailedTestReportIsRetriedAfterItsBackOff_onVirtualTime(PipelineTester tester) {
    stubs(tester);
    tester.step("test", "read test reports").onAttempt(1).exits(1).prints("1 test failed: GreeterTest.greetsInFrench");
    tester.approve("deploy");
    PipelineRun run = tester.run(JAVA_CI, Trigger.push("main"));
    assertThat(run).succeeded()
        .stage("test").tookAttempts(2).took(Duration.ofMinutes(16).plusSeconds(1)) // back-off 1 s, then the second attempt
        .printed("1 test failed: GreeterTest.greetsInFrench");
  }

  @Test
  void onAFeatureBranch_theDeployIsSkippedForItsCondition(PipelineTester tester) {
    stubs(tester);
    PipelineRun run = tester.run(JAVA_CI, Trigger.push("feature/greet-in-french"));
    assertThat(run).succeeded().ran("checkout", "build", "test")
        .stage("deploy").wasSkippedBecause("branch == 'main'");
  }
}
