package org.pipelinekit.imports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.pipelinekit.imports.GitHubActionsImportTest.entry;
import static org.pipelinekit.imports.GitHubActionsImportTest.stage;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.pipelinekit.imports.ImportReport.Outcome;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.core.model.Stage;
import org.pipelinekit.core.model.Trigger;

/** Bitbucket Pipelines and declarative Jenkinsfiles, construct by construct. */
class OtherImportsTest {
  /** What the Jenkinsfile says its steps do, they do: comments, triple-quoted and named scripts, Groovy escapes, timeout(n). */
  @Test
  void jenkinsStepsRunAsJenkinsRunsThem(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    String out = dir.resolve("out.txt").toString();
    ImportResult r = CiImport.read("""
        pipeline {
          agent any
          options { timeout(140) } // the team's limit, don't raise it
          stages {
            stage('Build') { // it's the first stage
              steps {
                sh 'echo built >> OUT' // don't forget
                sh script: '''
                  echo "triple quoted" >> OUT
                '''
                sh(script: 'echo "named in parentheses" >> OUT', label: 'named')
                sh 'mkdir -p found && touch found/a.txt && find found -name "*.txt" -exec echo exec {} \\\\; >> OUT'
              }
            }
          }
        }
        """.replace("OUT", out), "Jenkinsfile", CiImport.Kind.JENKINS, Optional.empty());
    Pipeline p = r.pipeline();
    assertThat(p.timeout()).contains(Duration.ofMinutes(140));
    assertThat(stage(p, "build").steps()).hasSize(4);
    try (org.pipelinekit.core.engine.PipelineExecutor executor = org.pipelinekit.core.engine.PipelineExecutor.builder()
        .dataDirectory(dir.resolve("data")).build()) {
      var done = executor.execute(p, org.pipelinekit.core.run.ExecutionTrigger.manual(), java.util.Map.of()).completion()
          .get(60, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(done.status()).as(r.report().render()).isEqualTo(org.pipelinekit.core.run.ExecutionStatus.SUCCEEDED);
    }
    assertThat(java.nio.file.Files.readAllLines(java.nio.file.Path.of(out)))
        .containsExactly("built", "triple quoted", "named in parentheses", "exec found/a.txt");
  }

  /** A custom pipeline runs alone, with its variables as parameters in its steps' environment. */
  @Test
  void aCustomBitbucketPipelineRunsAloneWithItsVariables(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    String out = dir.resolve("out").toString();
    ImportResult r = CiImport.read("""
        pipelines:
          branches:
            main:
              - step:
                  name: Deploy to production
                  script: [echo "production deploy" >> OUT]
          custom:
            release:
              - variables:
                  - name: VERSION
                    default: "0.0.0"
                  - name: CHANNEL
                    allowed-values: [beta, stable]
                    default: beta
              - step:
                  name: Release
                  script: [echo "release $VERSION to $CHANNEL" >> OUT]
        """.replace("OUT", out), "bitbucket-pipelines.yml", CiImport.Kind.BITBUCKET, Optional.empty());
    Pipeline p = r.pipeline();
    assertThat(p.parameters()).extracting(x -> x.name() + ":" + x.type().id()).containsExactly("pipeline:string", "VERSION:string", "CHANNEL:choice");
    try (org.pipelinekit.core.engine.PipelineExecutor executor = org.pipelinekit.core.engine.PipelineExecutor.builder()
        .dataDirectory(dir.resolve("data")).build()) {
      var done = executor.execute(p, org.pipelinekit.core.run.ExecutionTrigger.manual().branch("main"),
          java.util.Map.of("pipeline", "release", "VERSION", "1.2.3")).completion().get(60, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(done.status()).isEqualTo(org.pipelinekit.core.run.ExecutionStatus.SUCCEEDED);
    }
    assertThat(java.nio.file.Files.readAllLines(java.nio.file.Path.of(out))).as("the branch's production deploy did not run")
        .containsExactly("release 1.2.3 to beta");
  }

  @Test
  void twoJenkinsStagesOfTheSameNameGetTwoIds() {
    Pipeline p = CiImport.read("""
        pipeline {
          agent any
          stages {
            stage('Linux') { stages { stage('Test') { steps { sh 'make test' } } } }
            stage('Windows') { stages { stage('Test') { steps { sh 'make test-win' } } } }
          }
        }
        """, "Jenkinsfile", CiImport.Kind.JENKINS, Optional.empty()).pipeline();
    assertThat(p.stages()).extracting(Stage::id).containsExactly("test", "test-2");
    assertThat(org.pipelinekit.core.validate.PipelineValidator.create().validate(p).errors()).isEmpty();
  }

  @Test
  void aDeclarativeMatrixRunsEveryCombination(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    String out = dir.resolve("out").toString();
    ImportResult r = CiImport.read("""
        pipeline {
          agent any
          stages {
            stage('BuildAndTest') {
              matrix {
                axes {
                  axis {
                    name 'PLATFORM'
                    values 'linux', 'mac'
                  }
                  axis {
                    name 'JDK'
                    values '17', '21'
                  }
                }
                stages {
                  stage('Build') { steps { sh 'echo "build $PLATFORM-$JDK" >> OUT' } }
                  stage('Test') { steps { sh 'echo "test $PLATFORM-$JDK" >> OUT' } }
                }
              }
            }
          }
        }
        """.replace("OUT", out), "Jenkinsfile", CiImport.Kind.JENKINS, Optional.empty());
    Stage s = stage(r.pipeline(), "buildandtest");
    assertThat(s.matrix().get().axes()).containsOnlyKeys("PLATFORM", "JDK");
    try (org.pipelinekit.core.engine.PipelineExecutor executor = org.pipelinekit.core.engine.PipelineExecutor.builder()
        .dataDirectory(dir.resolve("data")).build()) {
      var done = executor.execute(r.pipeline(), org.pipelinekit.core.run.ExecutionTrigger.manual(), java.util.Map.of()).completion()
          .get(60, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(done.status()).isEqualTo(org.pipelinekit.core.run.ExecutionStatus.SUCCEEDED);
    }
    assertThat(java.nio.file.Files.readAllLines(java.nio.file.Path.of(out))).containsExactlyInAnyOrder("build linux-17", "test linux-17",
        "build linux-21", "test linux-21", "build mac-17", "test mac-17", "build mac-21", "test mac-21");
  }

  @Test
  void bitbucketPipelinesStepsParallelCachesDeploymentsAndCustomPipelines() {
    ImportResult r = CiImport.read("""
        image: node:20
        definitions:
          caches:
            deps:
              key: { files: [package-lock.json] }
              path: node_modules
        pipelines:
          default:
            - step:
                name: Build
                caches: [deps, node]
                script: [npm ci, npm run build]
                artifacts: [dist/**]
            - parallel:
                - step: { name: Lint, script: [npm run lint] }
                - step: { name: Test, script: [npm test], max-time: 20 }
          branches:
            main:
              - step:
                  name: Deploy
                  deployment: production
                  trigger: manual
                  script: [./deploy.sh]
          custom:
            nightly:
              - step: { name: Soak, script: [./soak.sh] }
        """, "bitbucket-pipelines.yml", CiImport.Kind.BITBUCKET, Optional.empty());
    Pipeline p = r.pipeline();
    Stage build = stage(p, "default-1-build");
    assertThat(build.image()).contains("node:20");
    assertThat(build.caches()).extracting(c -> c.key()).containsExactly("deps-${{ hashFiles('package-lock.json') }}", "node");
    assertThat(build.artifacts().get().paths()).containsExactly("dist/**");
    assertThat(build.steps().get(0).run()).isEqualTo("set -e\nnpm ci\nnpm run build");
    assertThat(stage(p, "default-2-1-lint").needs()).containsExactly("default-1-build");
    assertThat(stage(p, "default-2-2-test").needs()).containsExactly("default-1-build");
    assertThat(stage(p, "default-2-2-test").timeout()).contains(Duration.ofMinutes(20));
    Stage deploy = stage(p, "branches-main-1-deploy");
    assertThat(deploy.when()).as("not when a custom pipeline was chosen").contains("params.pipeline == '' && (branch == 'main')");
    assertThat(deploy.environment().get().name()).isEqualTo("production");
    assertThat(deploy.approval()).isPresent();
    assertThat(stage(p, "custom-nightly-1-soak").when()).contains("params.pipeline == 'nightly'");
    assertThat(p.parameters()).extracting(x -> x.name()).containsExactly("pipeline");
    assertThat(entry(r, "pipelines.default").outcome()).isEqualTo(Outcome.APPROXIMATED);
    assertThatThrownBy(() -> CiImport.read("image: x\n", "bitbucket-pipelines.yml", CiImport.Kind.BITBUCKET, Optional.empty()))
        .isInstanceOf(ImportException.class).hasMessageContaining("needs pipelines:");
  }

  @Test
  void jenkinsDeclarativePipeline() {
    ImportResult r = CiImport.read("""
        // a comment { with braces }
        pipeline {
          agent { docker { image 'maven:3.9' } }
          environment {
            MAVEN_OPTS = '-Xmx1g'
            TOKEN = credentials('token')
          }
          options {
            timeout(time: 1, unit: 'HOURS')
            retry(3)
            buildDiscarder(logRotator(numToKeepStr: '5'))
          }
          parameters {
            string(name: 'TARGET', defaultValue: 'staging', description: 'where to')
            booleanParam(name: 'FAST', defaultValue: true)
          }
          triggers { cron('H 3 * * *') }
          stages {
            stage('Build') {
              steps {
                sh 'mvn -B package'
                dir('docs') { sh "make html TARGET=${params.TARGET}" }
              }
            }
            stage('Checks') {
              parallel {
                stage('Unit') { steps { sh 'mvn test' } }
                stage('Lint') { steps { sh '''
                  ./lint.sh
                  ./format.sh --check
                ''' } }
              }
            }
            stage('Deploy') {
              when { branch 'main' }
              steps {
                input message: 'Ship it?', submitter: 'leads'
                sh './deploy.sh'
                archiveArtifacts artifacts: 'target/*.jar'
                junit 'target/surefire-reports/*.xml'
              }
            }
          }
          post { always { echo 'done' } }
        }
        """, "Jenkinsfile", CiImport.Kind.JENKINS, Optional.empty());
    Pipeline p = r.pipeline();
    assertThat(p.env()).containsEntry("MAVEN_OPTS", "-Xmx1g").containsEntry("TOKEN", "");
    assertThat(p.timeout()).as("the pipeline's options { timeout } bounds the whole run").contains(Duration.ofHours(1));
    assertThat(p.defaults().retry().get().limit()).isEqualTo(2);
    assertThat(p.parameters()).extracting(x -> x.name() + ":" + x.type().id()).containsExactly("TARGET:string", "FAST:boolean");
    assertThat(p.triggers()).containsExactly(new Trigger.Schedule("0 3 * * *", Optional.empty()));
    Stage build = stage(p, "build");
    assertThat(build.image()).contains("maven:3.9");
    assertThat(build.steps()).extracting(s -> s.run()).containsExactly("mvn -B package", "make html TARGET=${{ params.TARGET }}");
    assertThat(build.steps().get(1).workingDirectory()).contains("docs");
    assertThat(stage(p, "unit").needs()).containsExactly("build");
    assertThat(stage(p, "lint").needs()).containsExactly("build");
    assertThat(stage(p, "lint").steps().get(0).run()).contains("./lint.sh").contains("./format.sh --check");
    Stage deploy = stage(p, "deploy");
    assertThat(deploy.needs()).containsExactlyInAnyOrder("unit", "lint");
    assertThat(deploy.when()).contains("branch == 'main'");
    assertThat(deploy.artifacts().get().paths()).containsExactly("target/*.jar");
    assertThat(stage(p, "post-always").when()).contains("always()");
    assertThat(stage(p, "post-always").needs()).containsExactly("deploy");
    assertThat(entry(r, "pipeline.options.buildDiscarder").outcome()).isEqualTo(Outcome.UNSUPPORTED);
    assertThat(entry(r, "pipeline.options.buildDiscarder").line()).isEqualTo(11);
    assertThat(entry(r, "pipeline.environment").outcome()).isEqualTo(Outcome.APPROXIMATED);
    assertThat(entry(r, "pipeline.triggers.cron").note()).contains("hashed H");
  }

  @Test
  void jenkinsfilesThatAreNotDeclarativeGetAnErrorWithTheirLine() {
    assertThatThrownBy(() -> CiImport.read("node {\n  sh 'make'\n}\n", "Jenkinsfile", CiImport.Kind.JENKINS, Optional.empty()))
        .isInstanceOf(ImportException.class).hasMessageStartingWith("Jenkinsfile:1:1: not a declarative pipeline");
    assertThatThrownBy(() -> CiImport.read("pipeline {\n  stages {\n    stage('a') {\n", "Jenkinsfile", CiImport.Kind.JENKINS, Optional.empty()))
        .isInstanceOf(ImportException.class).hasMessageContaining("a '{' is never closed");
    assertThatThrownBy(() -> CiImport.read("pipeline {\n  agent any\n  environment { A = 'x }\n}\n", "Jenkinsfile", CiImport.Kind.JENKINS,
        Optional.empty())).isInstanceOf(ImportException.class).hasMessageStartingWith("Jenkinsfile:3:");
  }
}
