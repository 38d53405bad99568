package org.pipelinekit.imports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.pipelinekit.imports.GitHubActionsImportTest.entry;
import static org.pipelinekit.imports.GitHubActionsImportTest.stage;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pipelinekit.imports.ImportReport.Outcome;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.core.model.Stage;
import org.pipelinekit.core.validate.PipelineValidator;

/** GitLab CI constructs one by one: anchors, extends chains, !reference, rules, stages order, caches, matrices. */
class GitLabImportTest {
  static ImportResult gitlab(String yaml) {
    return CiImport.read(yaml, ".gitlab-ci.yml", CiImport.Kind.GITLAB, Optional.empty());
  }

  @Test
  void stagesOrderBecomesNeedsUnlessAJobSaysNeeds() {
    Pipeline p = gitlab("""
        stages: [build, test, deploy]
        compile: { stage: build, script: [make] }
        docs: { stage: build, script: [make docs] }
        unit: { stage: test, script: [make test] }
        lint: { stage: test, needs: [], script: [make lint] }
        ship: { stage: deploy, needs: [unit], script: [make ship] }
        """).pipeline();
    assertThat(stage(p, "compile").needs()).isEmpty();
    assertThat(stage(p, "unit").needs()).containsExactly("compile", "docs");
    assertThat(stage(p, "lint").needs()).isEmpty();
    assertThat(stage(p, "ship").needs()).containsExactly("unit");
  }

  @Test
  void extendsChainsMergeDeeplyAndTheJobWins() {
    ImportResult r = gitlab("""
        .base:
          image: alpine
          variables: { A: base, B: base }
          before_script: [echo base]
          retry: 2
        .middle:
          extends: .base
          variables: { B: middle, C: middle }
          timeout: 1h 30m
        job:
          extends: .middle
          variables: { C: job }
          script: [echo job]
        """);
    Stage job = stage(r.pipeline(), "job");
    assertThat(job.image()).contains("alpine");
    assertThat(job.env()).containsAllEntriesOf(Map.of("A", "base", "B", "middle", "C", "job"))
        .as("besides GitLab's predefined variables of the job").allSatisfy((k, v) -> assertThat(k).isIn("A", "B", "C", "CI_JOB_NAME", "CI_JOB_STAGE"));
    assertThat(job.steps().get(0).run()).isEqualTo("set -e\necho base\necho job");
    assertThat(job.retry().get().limit()).isEqualTo(2);
    assertThat(job.timeout()).contains(Duration.ofMinutes(90));
    assertThat(entry(r, "job.extends").outcome()).isEqualTo(Outcome.MAPPED);
    assertThat(entry(r, "\".base\".image").outcome()).isEqualTo(Outcome.MAPPED);
  }

  @Test
  void anchorsMergeKeysAndReferences() {
    Pipeline p = gitlab("""
        .defaults: &defaults
          image: python:3.12
          variables: { PIP: quiet }
        .setup:
          script: [pip install -r requirements.txt]
        test:
          <<: *defaults
          script:
            - !reference [.setup, script]
            - pytest
        """).pipeline();
    Stage test = stage(p, "test");
    assertThat(test.image()).contains("python:3.12");
    assertThat(test.env()).containsEntry("PIP", "quiet");
    assertThat(test.steps().get(0).run()).isEqualTo("set -e\npip install -r requirements.txt\npytest");
  }

  @Test
  void rulesWhenManualMatrixCachesArtifactsEnvironmentTrigger() {
    ImportResult r = gitlab("""
        build:
          script: [make]
          rules:
            - if: $CI_COMMIT_BRANCH == "main"
            - if: $CI_COMMIT_TAG
          cache:
            key: { files: [Gemfile.lock], prefix: gems }
            paths: [vendor/ruby]
            fallback_keys: [gems-main]
          artifacts:
            paths: [dist/]
            expire_in: 1 week
          parallel:
            matrix:
              - PROVIDER: aws
                STACK: [monitoring, app]
              - PROVIDER: gcp
                STACK: [data]
          environment: { name: staging, url: https://staging.example.org }
        release:
          script: [make release]
          when: manual
          allow_failure: true
        child:
          trigger: { include: ci/child.yml }
        """);
    Pipeline p = r.pipeline();
    Stage build = stage(p, "build");
    assertThat(build.when()).contains("(branch == 'main') || (tag != '')");
    assertThat(build.caches().get(0).key()).isEqualTo("gems-${{ hashFiles('Gemfile.lock') }}");
    assertThat(build.caches().get(0).restoreKeys()).containsExactly("gems-main");
    assertThat(build.artifacts().get().retention()).contains(Duration.ofDays(7));
    assertThat(build.matrix().get().include()).containsExactly(Map.of("PROVIDER", "aws", "STACK", "monitoring", "CI_NODE_INDEX", "1"),
        Map.of("PROVIDER", "aws", "STACK", "app", "CI_NODE_INDEX", "2"), Map.of("PROVIDER", "gcp", "STACK", "data", "CI_NODE_INDEX", "3"));
    assertThat(build.env()).containsEntry("CI_NODE_TOTAL", "3");
    assertThat(build.env()).containsEntry("PROVIDER", "${{ matrix.PROVIDER }}").containsEntry("STACK", "${{ matrix.STACK }}");
    assertThat(build.environment().get().url()).contains("https://staging.example.org");
    // a manual job runs only when started, and holds no one back; a blocking one (allow_failure: false) waits for approval
    Stage release = stage(p, "release");
    assertThat(release.approval()).isEmpty();
    assertThat(release.when()).contains("params.run_release");
    assertThat(p.parameters()).anySatisfy(param -> assertThat(param.name()).isEqualTo("run_release"));
    assertThat(release.continueOnError()).isTrue();
    assertThat(entry(r, "release.when").outcome()).isEqualTo(Outcome.MAPPED);
    Stage blocking = stage(gitlab("ship:\n  script: [make ship]\n  when: manual\n  allow_failure: false\n").pipeline(), "ship");
    assertThat(blocking.approval().get().approvers()).containsExactly("maintainers");
    assertThat(entry(r, "child.trigger").note()).contains("the child pipeline ci/child.yml is not started");
  }

  @Test
  void rulesFirstMatchWinsNeverKeepsOut_andTheFilesVariablesAreRead() {
    ImportResult r = gitlab("""
        variables:
          DEPLOY_TARGET:
            value: staging
            options: [staging, production]
            description: Where to deploy
          RELEASE: "false"
        build:
          script: [make]
          rules:
            - if: $CI_PIPELINE_SOURCE == "merge_request_event"
              when: never
            - if: $CI_COMMIT_BRANCH == "main" || $CI_COMMIT_TAG
        deploy:
          variables: { DRY_RUN: "1" }
          script: [./deploy $DEPLOY_TARGET]
          rules:
            - if: $DEPLOY_TARGET == "production" && $RELEASE != "true"
              when: never
            - if: $DRY_RUN
            - when: manual
        lint:
          script: [make lint]
          rules:
            - if: $CI_MERGE_REQUEST_LABELS =~ /skip-lint/
              when: never
            - when: always
        """);
    Pipeline p = r.pipeline();
    assertThat(p.parameters()).singleElement().satisfies(param -> {
      assertThat(param.name()).isEqualTo("DEPLOY_TARGET");
      assertThat(param.options()).containsExactly("staging", "production");
      assertThat(param.defaultValue()).contains("staging");
      assertThat(param.description()).contains("Where to deploy");
    });
    assertThat(p.env()).containsEntry("DEPLOY_TARGET", "${{ params.DEPLOY_TARGET }}").containsEntry("RELEASE", "false");
    assertThat(stage(p, "build").when()).contains("!(trigger.kind == 'pull-request') && ((branch == 'main') || (tag != ''))");
    assertThat(entry(r, "build.rules").outcome()).isEqualTo(Outcome.MAPPED);
    // the rules after the never rule end in one without if:, which matches whatever is left; manual makes an approval
    assertThat(stage(p, "deploy").when()).contains("!(params.DEPLOY_TARGET == 'production' && env.RELEASE != 'true')");
    assertThat(stage(p, "deploy").approval()).isPresent();
    Pipeline kept = CiImport.read("""
        variables: { RELEASE: "false" }
        deploy:
          variables: { DRY_RUN: "1" }
          script: [./deploy]
          rules:
            - if: $RELEASE != "true"
              when: never
            - if: $DRY_RUN
        """, ".gitlab-ci.yml", CiImport.Kind.GITLAB, Optional.empty()).pipeline();
    assertThat(stage(kept, "deploy").when()).contains("!(env.RELEASE != 'true') && (env.DRY_RUN != '')");
    // an if: with no counterpart in a never rule does not keep the job out, and says so; when: always runs after failures too
    assertThat(stage(p, "lint").when()).contains("always()");
    assertThat(entry(r, "lint.rules").note()).contains("no counterpart for [$CI_MERGE_REQUEST_LABELS =~ /skip-lint/]");
    assertThat(PipelineValidator.create().validate(p).problems()).isEmpty();
  }

  @Test
  void aRefWithItsProjectIsReadAsTheBranch_andCacheOffAndPolicyAreKept() {
    ImportResult r = gitlab("""
        default:
          cache: { key: deps, paths: [deps/], policy: pull }
        publish:
          script: [make publish]
          except: [main@group/project]
        plain:
          script: [make]
          cache: {}
        """);
    assertThat(stage(r.pipeline(), "publish").when()).contains("!(branch == 'main')");
    assertThat(stage(r.pipeline(), "plain").caches()).as("cache: {} turns the default off").isEmpty();
    assertThat(stage(r.pipeline(), "publish").caches().get(0).policy().id()).isEqualTo("pull");
  }

  @Test
  void retryWhenRetriesOnlyTheFailuresItNames() {
    Pipeline p = gitlab("""
        flaky:
          script: [make test]
          retry:
            max: 2
            when: [stuck_or_timeout_failure, runner_system_failure]
        exit:
          script: [make]
          retry:
            max: 1
            exit_codes: [137]
        """).pipeline();
    assertThat(stage(p, "flaky").retry().get().on()).containsExactlyInAnyOrder(org.pipelinekit.core.model.RetryOn.TIMEOUT,
        org.pipelinekit.core.model.RetryOn.RUNNER_ERROR);
    assertThat(stage(p, "exit").retry().get().exitCodes()).containsExactly(137);
    // an exit code no process has is left out, not a crash ("For input string")
    assertThat(stage(gitlab("j:\n  script: [x]\n  retry:\n    max: 1\n    exit_codes: [99999999999, 3]\n").pipeline(), "j")
        .retry().get().exitCodes()).containsExactly(3);
  }

  @Test
  void allowFailureExitCodesAllowOnlyThoseCodes() {
    ImportResult r = gitlab("""
        listed:
          script: [make]
          allow_failure:
            exit_codes: [3, 137]
        one:
          script: [make]
          allow_failure: { exit_codes: 1 }
        odd:
          script: [make]
          allow_failure: { exit_codes: [300, 2] }
        """);
    assertThat(stage(r.pipeline(), "listed").continueOnErrorExitCodes()).containsExactly(3, 137);
    assertThat(stage(r.pipeline(), "one").continueOnErrorExitCodes()).containsExactly(1);
    assertThat(stage(r.pipeline(), "odd").continueOnErrorExitCodes()).containsExactly(2);
    assertThat(r.report().entries()).anySatisfy(e -> {
      assertThat(e.path()).isEqualTo("listed.allow_failure");
      assertThat(e.outcome()).isEqualTo(ImportReport.Outcome.MAPPED);
      assertThat(e.note()).contains("exit code 3 or 137 is soft; any other fails the pipeline");
    });
    assertThat(r.report().entries()).anySatisfy(e -> {
      assertThat(e.path()).isEqualTo("odd.allow_failure");
      assertThat(e.outcome()).isEqualTo(ImportReport.Outcome.APPROXIMATED);
      assertThat(e.note()).contains("[300]");
    });
  }

  @Test
  void workflowRulesGoInFrontOfEveryJob() {
    ImportResult r = gitlab("""
        workflow:
          name: nightly
          rules:
            - if: $CI_PIPELINE_SOURCE == "schedule"
              when: never
            - if: $CI_COMMIT_BRANCH
        build: { script: [make] }
        deploy:
          script: [make deploy]
          rules: [{ if: $CI_COMMIT_BRANCH == "main" }]
        """);
    assertThat(stage(r.pipeline(), "build").when()).contains("!(trigger.kind == 'schedule') && (branch != '')");
    assertThat(stage(r.pipeline(), "deploy").when()).contains("(!(trigger.kind == 'schedule') && (branch != '')) && (branch == 'main')");
    assertThat(entry(r, "workflow.rules").outcome()).isEqualTo(Outcome.MAPPED);
    assertThat(entry(r, "workflow.name").outcome()).isEqualTo(Outcome.APPROXIMATED);
    assertThat(PipelineValidator.create().validate(r.pipeline()).problems()).isEmpty();
  }

  @Test
  void localIncludesAreMergedAndMissingOnesReported(@TempDir Path dir) throws Exception {
    Files.createDirectories(dir.resolve("ci"));
    Files.writeString(dir.resolve("ci/jobs.yml"), "lint:\n  script: [make lint]\n");
    ImportResult r = CiImport.read("""
        include:
          - local: /ci/jobs.yml
          - local: /ci/missing.yml
          - remote: https://example.org/ci.yml
        build: { script: [make] }
        """, ".gitlab-ci.yml", CiImport.Kind.GITLAB, Optional.of(dir));
    assertThat(r.pipeline().stages()).extracting(Stage::id).containsExactlyInAnyOrder("build", "lint");
    assertThat(entry(r, "include[0]").outcome()).isEqualTo(Outcome.MAPPED);
    assertThat(entry(r, "include[1]").outcome()).isEqualTo(Outcome.UNSUPPORTED);
    assertThat(entry(r, "include[2]").note()).contains("remote");
  }

  @Test
  void multiDocumentFilesWithASpecHeaderAndBadYaml() {
    ImportResult r = gitlab("""
        spec:
          inputs:
            stage: { default: test }
        ---
        job:
          script:
            - echo $[[ inputs.stage ]]
        """);
    assertThat(r.pipeline().stages()).extracting(Stage::id).containsExactly("job");
    assertThat(entry(r, "spec").outcome()).isEqualTo(Outcome.APPROXIMATED);
    assertThatThrownBy(() -> gitlab("job:\n  script: [a\n  b: c\n")).isInstanceOf(ImportException.class)
        .hasMessageStartingWith(".gitlab-ci.yml:3:");
    assertThat(List.of(gitlab("job:\n  script: [a]\n  script: [b]\n").report().entries().get(0).note()))
        .containsExactly("duplicate key 'script' at line 3: the last value is used");
  }
}
