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

/** {@code maven-ci.pipeline.kts} (with its shared stage group): build, test on two JDKs, a dependency scan that may fail, package from main. */
@PipelineTest
class MavenCiPipelineTest {
  static Pipeline mavenCi;

  @BeforeAll
  static void read() {
    mavenCi = SamplePipelines.script("maven-ci.pipeline.kts");
  }

  static void stubs(PipelineTester tester) {
    tester.otherStepsSucceed();
    tester.step("build", "maven").takes(Duration.ofMinutes(4));
    tester.step("build", "record version").writesOutput("version", "3.1.0");
    tester.step("test", "test").takes(Duration.ofMinutes(9));
    tester.step("dependency-scan", "scan").takes(Duration.ofMinutes(1));
  }

  @Test
  void onMain_theScanRunsBesideTheTests_andPackageNamesThePomByTheBuiltVersion(PipelineTester tester) {
    stubs(tester);
    PipelineRun run = tester.run(mavenCi, Trigger.push("main"));
    assertThat(run).succeeded()
        .ranInOrder("checkout", "build", "test", "package")
        .ranInParallel("test", "dependency-scan")
        .stage("test").hasMatrixJobs(Map.of("jdk", "17"), Map.of("jdk", "21")).hadEnv("MAVEN_OPTS", "-Xmx1g -XX:+UseParallelGC").and()
        .stage("package").ranCommandMatching("cp pom.xml target/greeter-3\\.1\\.0\\.pom").startedAfter(Duration.ofMinutes(13));
  }

  @Test
  void aScanThatFindsVulnerabilities_doesNotStopThePackage(PipelineTester tester) {
    stubs(tester);
    tester.step("dependency-scan", "scan").exits(1).prints("found 2 high severity vulnerabilities");
    PipelineRun run = tester.run(mavenCi, Trigger.push("main"));
    assertThat(run).succeeded()
        .stage("dependency-scan").printed("found 2 high severity vulnerabilities").and()
        .ran("package");
  }

  @Test
  void aTestThatFailsTwice_failsTheRunAfterTheDefaultRetry_andNothingIsPackaged(PipelineTester tester) {
    stubs(tester);
    tester.step("test", "read test reports").exits(1).prints("Tests run: 40, Failures: 1");
    PipelineRun run = tester.run(mavenCi, Trigger.push("main"));
    assertThat(run).failed()
        .stage("test").hasStatus(StageStatus.FAILED).tookAttempts(2).and() // defaults { retry(1) }
        .stage("package").wasSkipped();
  }

  @Test
  void onAPullRequest_packageIsSkippedForItsCondition(PipelineTester tester) {
    stubs(tester);
    PipelineRun run = tester.run(mavenCi, Trigger.pullRequest("feature/faster-greeting"));
    assertThat(run).succeeded().stage("package").wasSkippedBecause("branch == 'main'");
  }
}
