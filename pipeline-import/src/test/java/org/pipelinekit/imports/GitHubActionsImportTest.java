package org.pipelinekit.imports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.pipelinekit.imports.ImportReport.Outcome;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.core.model.Stage;
import org.pipelinekit.core.model.Trigger;
import org.pipelinekit.core.validate.PipelineValidator;

/** GitHub Actions constructs one by one, and what the report says of each. */
class GitHubActionsImportTest {
  static ImportResult gha(String yaml) {
    return CiImport.read(yaml, "ci.yml", CiImport.Kind.GHA, Optional.empty());
  }

  /** Quotes inside ${{ }} are the expression's, not the shell's: GitHub's "a && 'x' || 'y'" picks a value per matrix cell. */
  @Test
  void quotesInsideAnExpressionStayTheExpressions_andItsValueIsRun(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    String out = dir.resolve("out").toString();
    ImportResult r = CiImport.read("""
        on: push
        jobs:
          list:
            runs-on: ubuntu-latest
            strategy:
              matrix:
                os: [linux, windows]
            steps:
              - run: echo "${{ matrix.os }}=${{ (matrix.os == 'windows' && 'dir') || 'ls -lh' }}" >> OUT-${{ matrix.os }}
        """.replace("OUT", out), ".github/workflows/ci.yml", CiImport.Kind.GHA, Optional.empty());
    assertThat(PipelineValidator.create().validate(r.pipeline()).errors()).isEmpty();
    try (org.pipelinekit.core.engine.PipelineExecutor executor = org.pipelinekit.core.engine.PipelineExecutor.builder()
        .dataDirectory(dir.resolve("data")).build()) {
      var done = executor.execute(r.pipeline(), org.pipelinekit.core.run.ExecutionTrigger.manual(), Map.of()).completion()
          .get(60, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(done.status()).isEqualTo(org.pipelinekit.core.run.ExecutionStatus.SUCCEEDED);
    }
    assertThat(java.nio.file.Files.readString(java.nio.file.Path.of(out + "-linux")).strip()).isEqualTo("linux=ls -lh");
    assertThat(java.nio.file.Files.readString(java.nio.file.Path.of(out + "-windows")).strip()).isEqualTo("windows=dir");
  }

  /** if: runner.os == 'Linux' is kept: on this Linux host the Linux step runs and the Windows one does not. */
  @Test
  void aStepForAnotherOsIsSkipped() {
    ImportResult r = CiImport.read("""
        on: push
        jobs:
          setup:
            runs-on: ${{ matrix.os }}
            strategy:
              matrix:
                os: [ubuntu-latest, windows-latest]
            steps:
              - if: runner.os == 'Linux'
                run: sudo apt-get install -y libfoo
              - if: runner.os == 'Windows'
                run: choco install foo
        """, ".github/workflows/ci.yml", CiImport.Kind.GHA, Optional.empty());
    Stage setup = stage(r.pipeline(), "setup");
    assertThat(setup.steps().get(0).run()).startsWith("if case \"${{ runner.os == 'Linux' }}\" in ''|false|0|null) false ;; esac; then");
    assertThat(setup.steps().get(1).run()).startsWith("if case \"${{ runner.os == 'Windows' }}\" in ''|false|0|null) false ;; esac; then");
    assertThat(entry(r, "jobs.setup.steps[0].if").outcome()).isEqualTo(Outcome.MAPPED);
  }

  /** What GitHub reads as empty or as the workspace is read so here, so the result validates and runs. */
  @Test
  void undefinedMatrixKeysAreEmpty_workspaceAndInputsInAnEnvironmentAreRead() {
    ImportResult r = CiImport.read("""
        on:
          workflow_dispatch:
            inputs:
              environment: { type: string, default: staging }
        jobs:
          plain:
            runs-on: ubuntu-latest
            environment:
              name: ${{ inputs.environment }}
              url: https://example.org/${{ github.ref_name }}
            steps:
              - run: echo "${{ matrix.os }}"
                working-directory: ${{ github.workspace }}/app
          cells:
            runs-on: ubuntu-latest
            strategy:
              matrix:
                include:
                  - os: linux
                  - os: mac
                    flags: --fast
            steps:
              - run: echo "${{ matrix.os }} ${{ matrix.flags }} ${{ matrix.missing }}"
        """, ".github/workflows/ci.yml", CiImport.Kind.GHA, Optional.empty());
    Pipeline p = r.pipeline();
    assertThat(PipelineValidator.create().validate(p).errors()).isEmpty();
    assertThat(stage(p, "plain").steps().get(0).run()).contains("${{ '' }}");
    assertThat(stage(p, "plain").steps().get(0).workingDirectory()).contains("${{ workspace }}/app");
    assertThat(stage(p, "plain").environment().get().name()).isEqualTo("${{ params.environment }}");
    assertThat(stage(p, "cells").steps().get(0).run()).contains("${{ matrix.flags }}").contains("${{ '' }}").doesNotContain("matrix.missing");
    assertThat(r.report().entries()).anySatisfy(e -> {
      assertThat(e.note()).contains("matrix.missing defined by no matrix entry: read as ''");
      assertThat(e.outcome()).isEqualTo(Outcome.APPROXIMATED);
    });
  }

  @Test
  void cacheRestoreOnlyRestores_andAnUploadOnFailureStoresOnFailure() {
    ImportResult r = CiImport.read("""
        on: push
        jobs:
          test:
            runs-on: ubuntu-latest
            steps:
              - uses: actions/cache/restore@v4
                with:
                  path: ${{ github.workspace }}/.m2
                  key: m2-${{ hashFiles('pom.xml') }}
              - run: mvn verify
              - if: failure()
                uses: actions/upload-artifact@v4
                with: { name: reports, path: target/surefire-reports/ }
              - uses: actions/download-artifact@v4
                with: { name: other, path: downloaded/ }
        """, ".github/workflows/ci.yml", CiImport.Kind.GHA, Optional.empty());
    Stage test = stage(r.pipeline(), "test");
    assertThat(test.caches().get(0).policy()).isEqualTo(org.pipelinekit.core.model.CachePolicy.PULL);
    assertThat(test.caches().get(0).paths()).containsExactly("${{ workspace }}/.m2");
    assertThat(test.artifacts().get().when()).isEqualTo(org.pipelinekit.core.model.ArtifactWhen.ON_FAILURE);
    assertThat(r.report().entries()).anySatisfy(e -> {
      assertThat(e.note()).contains("artifact other is not uploaded by a job of this workflow");
      assertThat(e.outcome()).isEqualTo(Outcome.APPROXIMATED);
    });
  }

  /** actions/cache's cache-hit output is the cache's cacheHit, so "install only on a miss" works. */
  @Test
  void cacheHitIsTheCachesOutput() {
    ImportResult r = CiImport.read("""
        on: push
        jobs:
          build:
            runs-on: ubuntu-latest
            steps:
              - id: deps
                uses: actions/cache@v4
                with:
                  path: node_modules
                  key: deps-${{ hashFiles('package-lock.json') }}
              - if: steps.deps.outputs.cache-hit != 'true'
                run: npm ci
        """, ".github/workflows/ci.yml", CiImport.Kind.GHA, Optional.empty());
    assertThat(stage(r.pipeline(), "build").steps().get(0).run()).contains("${{ outputs.cacheHit != 'true' }}");
    assertThat(PipelineValidator.create().validate(r.pipeline()).errors()).isEmpty();
  }

  @Test
  void aStepOutputInACacheKeyIsLeftOutAndSaid_objectMatrixFieldsAreKeys_downloadsAreMapped() {
    ImportResult r = CiImport.read("""
        on: push
        jobs:
          build:
            runs-on: ubuntu-latest
            strategy:
              matrix:
                config: [{ os: linux, cc: gcc }, { os: mac, cc: clang }]
            steps:
              - id: date
                run: echo "month=$(date +%m)" >> "$GITHUB_OUTPUT"
              - uses: actions/cache@v4
                with:
                  path: ~/.cache/pip
                  key: pip-${{ steps.date.outputs.month }}-${{ hashFiles('requirements.txt') }}
              - run: make CC=${{ matrix.config.cc }}
              - uses: actions/upload-artifact@v4
                with: { name: bin, path: out/bin }
          test:
            needs: build
            runs-on: ubuntu-latest
            steps:
              - uses: actions/download-artifact@v4
                with: { name: bin, path: bin }
              - uses: actions/download-artifact@v4
                with: { name: elsewhere }
        """, ".github/workflows/ci.yml", CiImport.Kind.GHA, Optional.empty());
    Stage build = stage(r.pipeline(), "build");
    assertThat(build.caches().get(0).key()).isEqualTo("pip--${{ hashFiles('requirements.txt') }}");
    assertThat(entry(r, "jobs.build.steps[1]").outcome()).isEqualTo(ImportReport.Outcome.APPROXIMATED);
    assertThat(entry(r, "jobs.build.steps[1]").note()).contains("steps.date.outputs.month left out: the cache is restored before the job's steps");
    assertThat(build.matrix().get().include()).contains(Map.of("config", "{\"os\":\"linux\",\"cc\":\"gcc\"}", "config_os", "linux", "config_cc", "gcc"));
    assertThat(build.steps().get(1).run()).contains("make CC=${{ matrix.config_cc }}");
    Stage test = stage(r.pipeline(), "test");
    assertThat(test.steps().get(0).name()).contains("download bin");
    assertThat(entry(r, "jobs.test.steps[0]").outcome()).isEqualTo(ImportReport.Outcome.MAPPED);
    assertThat(entry(r, "jobs.test.steps[1]").note()).contains("artifact elsewhere is not uploaded by a job of this workflow");
    assertThat(PipelineValidator.create().validate(r.pipeline()).errors()).isEmpty();
  }

  static ImportReport.Entry entry(ImportResult r, String path) {
    return r.report().entries().stream().filter(e -> e.path().equals(path)).findFirst()
        .orElseThrow(() -> new AssertionError("no report entry " + path + " in\n" + r.report().render()));
  }

  static Stage stage(Pipeline p, String id) {
    return p.stages().stream().filter(s -> s.id().equals(id)).findFirst().orElseThrow();
  }

  @Test
  void triggersAndDispatchInputs() {
    ImportResult r = gha("""
        name: CI
        on:
          push:
            branches: [main, 'release/**']
            tags: ['v*']
            paths-ignore: ['docs/**']
          pull_request:
            branches: [main]
          schedule:
            - cron: '0 3 * * 1'
          workflow_dispatch:
            inputs:
              target:
                type: choice
                options: [staging, production]
                default: staging
              dry-run:
                type: boolean
                default: true
          release:
            types: [published]
        jobs:
          build:
            runs-on: ubuntu-latest
            steps:
              - run: make
        """);
    Pipeline p = r.pipeline();
    assertThat(p.name()).contains("CI");
    assertThat(p.triggers()).containsExactly(new Trigger.Push(List.of("main", "release/**"), List.of("v*"), List.of()),
        new Trigger.PullRequest(List.of("main"), List.of()), new Trigger.Schedule("0 3 * * 1", Optional.empty()), Trigger.manual());
    assertThat(p.parameters()).extracting(pa -> pa.name() + ":" + pa.type().id() + ":" + pa.defaultValue().orElse(null))
        .containsExactly("target:choice:staging", "dry-run:boolean:true");
    assertThat(entry(r, "on.push.paths-ignore").outcome()).isEqualTo(Outcome.UNSUPPORTED);
    assertThat(entry(r, "on.push.paths-ignore").line()).isEqualTo(6);
    assertThat(entry(r, "on.release").outcome()).isEqualTo(Outcome.UNSUPPORTED);
    assertThat(entry(r, "jobs.build.runs-on").outcome()).isEqualTo(Outcome.APPROXIMATED);
  }

  @Test
  void jobsNeedsConditionsMatrixAndSettings() {
    ImportResult r = gha("""
        on: push
        env: { GLOBAL: one }
        concurrency: { group: 'ci-${{ github.ref_name }}', cancel-in-progress: true }
        defaults:
          run:
            working-directory: app
        jobs:
          build:
            runs-on: ubuntu-latest
            timeout-minutes: 15
            env: { JOB: two }
            outputs:
              version: ${{ steps.v.outputs.version }}
            strategy:
              fail-fast: false
              max-parallel: 2
              matrix:
                os: [linux, mac]
                jdk: ['17', '21']
                include:
                  - os: linux
                    jdk: '25'
                exclude:
                  - os: mac
                    jdk: '17'
            steps:
              - id: v
                run: echo "version=1.${{ matrix.jdk }}" >> "$GITHUB_OUTPUT"
                env: { STEP: three }
          deploy:
            needs: build
            if: github.ref == 'refs/heads/main' && success()
            environment: { name: production, url: 'https://example.org' }
            continue-on-error: true
            container: node:20
            services:
              redis: { image: redis }
            steps:
              - run: ./deploy ${{ needs.build.outputs.version }} ${{ github.repository }}
        """);
    Pipeline p = r.pipeline();
    assertThat(p.env()).containsEntry("GLOBAL", "one");
    assertThat(p.concurrency().get().group()).isEqualTo("ci-${{ branch }}");
    assertThat(p.concurrency().get().cancelInProgress()).isTrue();
    Stage build = stage(p, "build");
    assertThat(build.timeout()).contains(Duration.ofMinutes(15));
    assertThat(build.env()).containsEntry("JOB", "two");
    assertThat(build.outputs()).containsExactly("version");
    assertThat(build.matrix().get().axes()).containsEntry("os", List.of("linux", "mac")).containsEntry("jdk", List.of("17", "21"));
    assertThat(build.matrix().get().include()).containsExactly(Map.of("os", "linux", "jdk", "25"));
    assertThat(build.matrix().get().exclude()).containsExactly(Map.of("os", "mac", "jdk", "17"));
    assertThat(build.matrix().get().failFast()).isFalse();
    assertThat(build.matrix().get().maxParallel()).contains(2);
    assertThat(build.steps().get(0).env()).containsEntry("STEP", "three");
    assertThat(build.steps().get(0).workingDirectory()).contains("app");
    assertThat(build.steps().get(0).run()).contains("$GITHUB_OUTPUT").contains("${{ matrix.jdk }}").startsWith("export GITHUB_WORKSPACE");
    Stage deploy = stage(p, "deploy");
    assertThat(deploy.needs()).containsExactly("build");
    assertThat(deploy.when()).contains("branch == 'main' && success()");
    assertThat(deploy.environment().get().name()).isEqualTo("production");
    assertThat(deploy.environment().get().url()).contains("https://example.org");
    assertThat(deploy.continueOnError()).isTrue();
    assertThat(deploy.image()).contains("node:20");
    assertThat(deploy.steps().get(0).run()).contains("${{ stages.build.outputs.version }}").contains("${GITHUB_REPOSITORY:-}");
    assertThat(entry(r, "jobs.deploy.services").outcome()).isEqualTo(Outcome.UNSUPPORTED);
    assertThat(entry(r, "jobs.deploy.steps[0].run (expressions)").note()).contains("github.repository → ${GITHUB_REPOSITORY:-}");
    assertThat(PipelineValidator.builder().build().validate(p).errors()).isEmpty();
  }

  @Test
  void commonActionsBecomeCachesArtifactsAndActionSteps() {
    ImportResult r = gha("""
        on: push
        jobs:
          test:
            runs-on: ubuntu-latest
            steps:
              - uses: actions/checkout@v4
              - uses: actions/cache@v4
                with:
                  path: |
                    ~/.m2/repository
                  key: maven-${{ hashFiles('**/pom.xml') }}
                  restore-keys: |
                    maven-
              - uses: actions/setup-java@v4
                with: { java-version: '21', distribution: temurin }
              - run: mvn -B verify
                shell: bash
              - uses: actions/upload-artifact@v4
                with:
                  name: jars
                  path: target/*.jar
                  retention-days: 5
          report:
            needs: test
            runs-on: ubuntu-latest
            steps:
              - uses: actions/download-artifact@v4
              - run: ls
        """);
    Stage test = stage(r.pipeline(), "test");
    assertThat(test.caches()).hasSize(1);
    assertThat(test.caches().get(0).key()).isEqualTo("maven-${{ hashFiles('**/pom.xml') }}");
    assertThat(test.caches().get(0).paths()).containsExactly("~/.m2/repository");
    assertThat(test.caches().get(0).restoreKeys()).containsExactly("maven-");
    assertThat(test.artifacts().get().paths()).containsExactly("target/*.jar");
    assertThat(test.artifacts().get().retention()).contains(Duration.ofDays(5));
    assertThat(test.steps()).hasSize(2);
    assertThat(test.steps().get(0).name()).contains("uses actions/setup-java@v4");
    assertThat(test.steps().get(0).env()).containsEntry("INPUT_JAVA-VERSION".replace('-', '_'), "21");
    assertThat(test.steps().get(1).run()).isEqualTo("bash --noprofile --norc -eo pipefail -c 'mvn -B verify'");
    // an unnamed run step is called what GitHub calls it, not by our shell wrapper
    assertThat(test.steps().get(1).name()).contains("Run mvn -B verify");
    assertThat(entry(r, "jobs.test.steps[0]").outcome()).isEqualTo(Outcome.MAPPED);
    assertThat(entry(r, "jobs.test.steps[2]").outcome()).isEqualTo(Outcome.APPROXIMATED);
    assertThat(entry(r, "jobs.report.steps[0]").outcome()).isEqualTo(Outcome.MAPPED);
  }

  @Test
  void anchorsAndMergeKeysAreResolved() {
    ImportResult r = gha("""
        on: push
        jobs:
          a:
            runs-on: ubuntu-latest
            env: &common { LANG: C, TZ: UTC }
            steps: [{ run: echo a }]
          b:
            runs-on: ubuntu-latest
            env:
              <<: *common
              TZ: Europe/Paris
            steps: [{ run: echo b }]
        """);
    assertThat(stage(r.pipeline(), "b").env()).containsEntry("LANG", "C").containsEntry("TZ", "Europe/Paris");
  }

  @Test
  void untranslatableConditionsAndMatricesAreReportedNotGuessed() {
    ImportResult r = gha("""
        on: push
        jobs:
          a:
            if: github.event.pull_request.draft == false
            runs-on: ubuntu-latest
            strategy:
              matrix: ${{ fromJSON(needs.plan.outputs.matrix) }}
            steps: [{ run: echo a }]
        """);
    Stage a = stage(r.pipeline(), "a");
    assertThat(a.when()).isEmpty();
    assertThat(a.matrix()).isEmpty();
    assertThat(entry(r, "jobs.a.if").note()).startsWith("condition dropped, the stage always runs");
    assertThat(entry(r, "jobs.a.strategy.matrix").outcome()).isEqualTo(Outcome.UNSUPPORTED);
  }

  @Test
  void filesThatAreNotWorkflowsGetAnErrorWithTheirPlace() {
    assertThatThrownBy(() -> gha("on: push\njobs:\n  a: [unclosed\n")).isInstanceOf(ImportException.class)
        .hasMessageStartingWith("ci.yml:4:1: malformed YAML");
    assertThatThrownBy(() -> gha("name: composite\nruns:\n  using: composite\n  steps: []\n")).isInstanceOf(ImportException.class)
        .hasMessageContaining("this is an action (action.yml: runs:), not a workflow").hasMessageStartingWith("ci.yml:2:1:");
    assertThatThrownBy(() -> gha("on: push\n")).isInstanceOf(ImportException.class).hasMessageContaining("a workflow needs jobs:");
  }

  @Test
  void stepOutputsAreReadByLaterStepsAndBecomeTheJobsOutputs() {
    ImportResult r = gha("""
        on: push
        jobs:
          version:
            runs-on: ubuntu-latest
            outputs:
              tag: ${{ steps.v.outputs.tag }}
              notes: release ${{ steps.v.outputs.tag }}
            steps:
              - id: v
                run: echo "tag=v1" >> "$GITHUB_OUTPUT"
              - if: steps.v.outputs.tag == 'v1'
                env:
                  TAG: ${{ steps.v.outputs.tag }}
                run: echo "${{ steps.v.outputs.tag }} $TAG"
        """);
    Stage version = stage(r.pipeline(), "version");
    assertThat(version.outputs()).containsExactly("tag", "notes");
    assertThat(version.steps().get(1).env()).containsEntry("TAG", "${{ outputs.tag }}");
    assertThat(version.steps().get(1).run()).startsWith("if case \"${{ outputs.tag == 'v1' }}\" in ''|false|0|null) false ;; esac; then").contains("echo \"${{ outputs.tag }} $TAG\"");
    // a job output named as its step output is that output already; another is set by a last step
    assertThat(entry(r, "jobs.version.outputs.tag").outcome()).isEqualTo(Outcome.MAPPED);
    assertThat(entry(r, "jobs.version.outputs.notes").note()).contains("set by a last step");
    assertThat(version.steps()).hasSize(3);
    assertThat(version.steps().get(2).env()).containsEntry("PK_JOB_OUTPUT_0", "release ${{ outputs.tag }}");
    assertThat(version.steps().get(2).run()).contains("'notes' \"$PK_JOB_OUTPUT_0\" >> \"$PIPELINE_OUTPUT\"");
    assertThat(PipelineValidator.create().validate(r.pipeline()).problems()).isEmpty();
  }
}
