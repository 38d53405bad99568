package org.pipelinekit.imports;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.pipelinekit.core.model.Step;

/** Steps that run after a failure keep that meaning: GitLab's after_script, GitHub's status-function ifs, Jenkins' post blocks. */
class PostStepImportTest {
  @Test
  void gitlabsAfterScriptRunsAlways_andItsFailureDoesNotFailTheJob() {
    ImportResult r = CiImport.read("""
        test:
          script: [make test]
          after_script: [./cleanup.sh]
        """, ".gitlab-ci.yml", CiImport.Kind.GITLAB, Optional.empty());
    Step after = r.pipeline().stage("test").orElseThrow().steps().get(1);
    assertThat(after.run()).endsWith("./cleanup.sh");
    assertThat(after.when()).contains("always()");
    assertThat(after.continueOnError()).isTrue();
    assertThat(r.report().render()).contains("mapped       test.after_script").doesNotContain("only when the script succeeded");
  }

  @Test
  void githubStepsWithStatusFunctionsAndContinueOnError_becomeStepConditions() {
    ImportResult r = CiImport.read("""
        on: push
        jobs:
          test:
            runs-on: ubuntu-latest
            steps:
              - run: make test
              - run: make report
                if: ${{ failure() }}
              - run: make cleanup
                if: always()
              - run: make lint
                continue-on-error: true
        """, ".github/workflows/ci.yml", CiImport.Kind.GHA, Optional.empty());
    var steps = r.pipeline().stage("test").orElseThrow().steps();
    assertThat(steps).extracting(Step::when).containsExactly(Optional.empty(), Optional.of("failure()"), Optional.of("always()"), Optional.empty());
    assertThat(steps.get(3).continueOnError()).isTrue();
    assertThat(steps.get(3).run()).doesNotContain("|| true");
  }

  @Test
  void jenkinsStagePostBlocks_becomeStepsWithConditions() {
    ImportResult r = CiImport.read("""
        pipeline {
          agent any
          stages {
            stage('Test') {
              steps { sh 'make test' }
              post {
                failure { sh './collect.sh' }
                always { sh './cleanup.sh' }
                success { sh './publish.sh' }
              }
            }
          }
        }
        """, "Jenkinsfile", CiImport.Kind.JENKINS, Optional.empty());
    var steps = r.pipeline().stages().get(0).steps();
    assertThat(steps).extracting(Step::run).containsExactly("make test", "./collect.sh", "./cleanup.sh", "./publish.sh");
    assertThat(steps).extracting(Step::when).containsExactly(Optional.empty(), Optional.of("failure()"), Optional.of("always()"), Optional.empty());
  }
}
