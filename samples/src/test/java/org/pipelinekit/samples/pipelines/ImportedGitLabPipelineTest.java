package org.pipelinekit.samples.pipelines;

import static org.pipelinekit.test.PipelineAssertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.imports.CiImport;
import org.pipelinekit.test.PipelineRun;
import org.pipelinekit.test.PipelineTest;
import org.pipelinekit.test.PipelineTester;
import org.pipelinekit.test.Trigger;

/** A GitLab CI file, imported, tested with the kit as GitLab would run it: stage order, rules, a matrix, retries, a manual job. */
@PipelineTest
class ImportedGitLabPipelineTest {
  static final Pipeline GITLAB = CiImport.read("""
      stages: [build, test, deploy]
      build-job:
        stage: build
        script:
          - make build
      unit:
        stage: test
        parallel:
          matrix:
            - PY: ["3.11", "3.12"]
        retry: 1
        script:
          - make test PY=$PY
      deploy-prod:
        stage: deploy
        rules:
          - if: $CI_COMMIT_BRANCH == "main"
            when: manual
        script:
          - make deploy
      """, ".gitlab-ci.yml", CiImport.Kind.GITLAB, Optional.empty()).pipeline();

  /** Builds of 2 minutes, tests of 5; the Python 3.12 job fails its first attempt. */
  static void stubs(PipelineTester tester) {
    tester.otherStepsSucceed();
    tester.command("make build").takes(Duration.ofMinutes(2));
    tester.command("make test").takes(Duration.ofMinutes(5));
    tester.command("make test").withEnv("PY", "3.12").onAttempt(1).exits(1).prints("1 failed").takes(Duration.ofMinutes(5));
  }

  @Test
  void onMain_theManualDeployWaitsForItsApproval_afterTheMatrixRetriedItsFailure(PipelineTester tester) {
    stubs(tester);
    PipelineRun run = tester.run(GITLAB, Trigger.push("main"));
    assertThat(run).isWaitingForApproval("deploy-prod")
        .ranInOrder("build-job", "unit")
        .stage("unit").hasMatrixJobs(Map.of("PY", "3.11", "CI_NODE_INDEX", "1"), Map.of("PY", "3.12", "CI_NODE_INDEX", "2"))
            .tookAttempts(2).took(Duration.ofMinutes(10).plusSeconds(1)).printed("1 failed"); // GitLab retries after 1 s

    tester.approve("deploy-prod");
    assertThat(tester.run(GITLAB, Trigger.push("main"))).succeeded().ranInOrder("build-job", "unit", "deploy-prod")
        .stage("deploy-prod").wasApprovedBy("test").ranCommandMatching("make deploy");
  }

  @Test
  void onAFeatureBranch_theDeployIsLeftOutByItsRules(PipelineTester tester) {
    stubs(tester);
    PipelineRun run = tester.run(GITLAB, Trigger.push("feature/faster"));
    assertThat(run).succeeded().ran("build-job", "unit").didNotRun("deploy-prod")
        .stage("deploy-prod").wasSkipped();
  }
}
