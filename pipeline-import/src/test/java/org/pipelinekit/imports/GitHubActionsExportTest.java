package org.pipelinekit.imports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.core.model.Stage;

/** Pipelines written as GitHub Actions workflows and read back; what does not fit is refused with every reason. */
class GitHubActionsExportTest {
  static ImportResult reimport(Pipeline p) {
    return CiImport.read(GitHubActionsExport.write(p), "exported.yml", CiImport.Kind.GHA, Optional.empty());
  }

  @Test
  void aPipelineBecomesAWorkflowThatReadsBackTheSame() {
    Pipeline p = Pipeline.builder("ci").name("CI")
        .trigger(new org.pipelinekit.core.model.Trigger.Push(List.of("main"), List.of(), List.of()))
        .parameter("target", x -> x.choice("staging", "production").defaultValue("staging"))
        .env("LANG", "C")
        .stage("build", s -> s.timeout(Duration.ofMinutes(20)).outputs("version").run("echo version=1 >> $PIPELINE_OUTPUT")
            .cache(c -> c.key("m2-${{ hashFiles('pom.xml') }}").path("~/.m2")).artifacts(a -> a.path("target/*.jar")))
        .stage("test", s -> s.needs("build").matrix(m -> m.axis("jdk", "17", "21")).run("mvn test -Djdk=${{ matrix.jdk }}"))
        .stage("deploy", s -> s.needs("test").when("branch == 'main' && success()").environment("production")
            .run("./deploy ${{ stages.build.outputs.version }} ${{ params.target }}"))
        .build();
    String yaml = GitHubActionsExport.write(p);
    assertThat(yaml).contains("workflow_dispatch:").contains("runs-on: ubuntu-latest").contains("uses: actions/cache@v4")
        .contains("uses: actions/upload-artifact@v4").contains("if: github.ref_name == 'main' && success()")
        .contains("${{ needs.build.outputs.version }} ${{ inputs.target }}").contains("$GITHUB_OUTPUT");
    Pipeline back = reimport(p).pipeline();
    assertThat(back.stages()).extracting(Stage::id).containsExactly("build", "test", "deploy");
    Stage deploy = GitHubActionsImportTest.stage(back, "deploy");
    assertThat(deploy.when()).contains("branch == 'main' && success()");
    assertThat(deploy.steps().get(0).run()).contains("./deploy ${{ stages.build.outputs.version }} ${{ params.target }}");
    Stage build = GitHubActionsImportTest.stage(back, "build");
    assertThat(build.caches().get(0).key()).isEqualTo("m2-${{ hashFiles('pom.xml') }}");
    assertThat(build.artifacts().get().paths()).containsExactly("target/*.jar");
    assertThat(build.timeout()).contains(Duration.ofMinutes(20));
    assertThat(GitHubActionsImportTest.stage(back, "test").matrix().get().axes()).containsEntry("jdk", List.of("17", "21"));
    assertThat(back.parameters().get(0).options()).containsExactly("staging", "production");
  }

  @Test
  void stepOutputsReadTheStepsThatWroteThem_andTheJobsOutputsTheLatest() {
    Pipeline p = Pipeline.builder("outs")
        .stage("build", s -> s.outputs("version")
            .run("echo version=1 >> $PIPELINE_OUTPUT")
            .step(st -> st.run("echo \"got ${{ outputs.version }}\"").env("V", "${{ outputs.version }}"))
            .run("echo version=2 >> \"$PIPELINE_OUTPUT\""))
        .build();
    String yaml = GitHubActionsExport.write(p);
    assertThat(yaml).contains("id: out1").contains("id: out3").doesNotContain("id: out2")
        .contains("echo \"got ${{ steps.out1.outputs.version }}\"").contains("V: ${{ steps.out1.outputs.version }}")
        .contains("version: ${{ (steps.out3.outputs.version || steps.out1.outputs.version) }}")
        .doesNotContain("PIPELINE_OUTPUT");
    // read back, the steps read outputs.version again
    Stage build = GitHubActionsImportTest.stage(reimport(p).pipeline(), "build");
    assertThat(build.steps().get(1).run()).contains("echo \"got ${{ outputs.version }}\"");
    assertThat(build.steps().get(1).env()).containsEntry("V", "${{ outputs.version }}");
  }

  @Test
  void whatDoesNotFitIsRefusedWithEveryReason() {
    Pipeline p = Pipeline.builder("x")
        .stage("a", s -> s.retry(2).memoize("k").run("true"))
        .stage("b", s -> s.approval(a -> a.approvers("leads")).run("true"))
        .build();
    assertThatThrownBy(() -> GitHubActionsExport.write(p)).isInstanceOf(GitHubActionsExport.UnfitException.class)
        .hasMessageContaining("stages.a.retry: GitHub does not retry jobs").hasMessageContaining("stages.a.memoize")
        .hasMessageContaining("stages.b.approval: GitHub asks for approval through an environment");
  }

  @Test
  void onlyExpressionsGitHubHasAreWritten_theRestIsRefusedWhereItIs() {
    Pipeline mapped = Pipeline.builder("numbers")
        .stage("build", s -> s.run("echo \"version=1.0.${{ execution.number }} run ${{ execution.id }} of ${{ pipeline.id }}\""
            + " in ${{ workspace }} on ${{ runner.os }}"))
        .stage("report", s -> s.needs("build").when("always() && stages.build.result == 'failure'").run("echo ${{ env.HOME }}"))
        .build();
    String yaml = GitHubActionsExport.write(mapped);
    assertThat(yaml).contains("1.0.${{ github.run_number }} run ${{ github.run_id }} of ${{ github.workflow }}")
        .contains(" in ${{ github.workspace }} on ${{ runner.os }}").contains("if: always() && needs.build.result == 'failure'").doesNotContain("execution.");

    Pipeline foreign = Pipeline.builder("foreign")
        .stage("a", s -> s.run("echo ${{ upstream.outputs.version }} ${{ pipeline.version }}"))
        .stage("b", s -> s.when("added(stages.a.outputs.failed, 'x') > 0").run("true"))
        .build();
    assertThatThrownBy(() -> GitHubActionsExport.write(foreign)).isInstanceOf(GitHubActionsExport.UnfitException.class)
        .hasMessageContaining("jobs.a.steps[1].run: ${{ upstream.outputs.version }} has no counterpart in GitHub's contexts")
        .hasMessageContaining("${{ pipeline.version }} has no counterpart")
        .hasMessageContaining("jobs.b.if: GitHub has no function added()");
  }
}
