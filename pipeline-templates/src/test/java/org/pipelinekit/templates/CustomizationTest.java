package org.pipelinekit.templates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.core.model.Stage;

class CustomizationTest {
  static final TemplateLibrary LIBRARY = BuiltinLibraryTest.LIBRARY;

  @Test
  void parameterValuesAreTypedAndPutInPlace() {
    Pipeline p = LIBRARY.createFromTemplate("node-npm", Customization.builder().id("web-ci")
        .set("node_versions", "18, 20,22").set("test", "npm run test:ci").build());
    assertThat(p.id()).isEqualTo("web-ci");
    assertThat(p.stage("test").orElseThrow().matrix().orElseThrow().axes().get("node")).containsExactly("18", "20", "22");
    assertThat(p.stage("test").orElseThrow().steps().get(0).run()).isEqualTo("npm run test:ci");
    assertThat(p.template().orElseThrow().values()).containsEntry("node_versions", List.of("18", "20", "22"));

    Pipeline k8s = LIBRARY.createFromTemplate("deploy-kubernetes", Customization.builder().set("production_replicas", "6")
        .set("approvers", List.of("sre", "leads")).build());
    assertThat(k8s.stage("production").orElseThrow().inputs()).containsEntry("replicas", 6L);
    assertThat(k8s.stage("production").orElseThrow().approval().orElseThrow().approvers()).containsExactly("sre", "leads");
    Pipeline noPush = LIBRARY.createFromTemplate("docker-build-push", Customization.builder().set("push", "false").build());
    assertThat(noPush.stage("image").orElseThrow().inputs()).containsEntry("push", false);
  }

  @Test
  void badValuesAreAllReportedWithTheirParameter() {
    assertThatThrownBy(() -> LIBRARY.createFromTemplate("java-maven", Customization.builder()
        .set("jdk", "11").set("coverage_threshold", "lots").set("test_goals", "verify && rm -rf /").set("maven_arg", "-X").build()))
        .isInstanceOfSatisfying(TemplateException.class, e -> assertThat(e.problems()).containsExactlyInAnyOrder(
            "params.maven_arg: no parameter 'maven_arg'; did you mean 'maven_args'?",
            "params.jdk: parameter 'jdk' must be one of [17, 21], got '11'",
            "params.test_goals: parameter 'test_goals' must match [a-z:., -]+, got 'verify && rm -rf /'",
            "params.coverage_threshold: parameter 'coverage_threshold' must be a number, got 'lots'"));
    assertThatThrownBy(() -> LIBRARY.createFromTemplate("deploy-kubernetes", Customization.builder().set("production_replicas", 500).build()))
        .hasMessage("params.production_replicas: parameter 'production_replicas' must be at most 100, got 500");
    assertThatThrownBy(() -> LIBRARY.createFromTemplate("docker-build-push", Customization.builder().set("push", "maybe").build()))
        .hasMessage("params.push: parameter 'push' must be true or false, got 'maybe'");
  }

  @Test
  void stagesCanBeAddedRemovedOverriddenAndTheirInputsChanged() {
    Pipeline p = LIBRARY.createFromTemplate("java-maven", Customization.builder()
        .removeStage("coverage")
        .removeStage("checkout")
        .overrideStage(Stage.builder("package").needs("test").run("./package.sh").build())
        .addStage(Stage.builder("notify").needs("package").run("./notify.sh").build())
        .build());
    assertThat(p.stages()).extracting(Stage::id).containsExactly("build", "test", "package", "notify");
    assertThat(p.stage("build").orElseThrow().needs()).as("the removed checkout is no longer needed").isEmpty();
    assertThat(p.stage("package").orElseThrow().steps().get(0).run()).isEqualTo("./package.sh");

    Pipeline shallow = LIBRARY.createFromTemplate("java-gradle", Customization.builder().setInput("checkout", "depth", 5)
        .setInput("build", "tasks", "check").build());
    assertThat(shallow.stage("checkout").orElseThrow().inputs()).containsEntry("depth", 5L);
    assertThat(shallow.stage("build").orElseThrow().inputs()).containsEntry("tasks", "check");
  }

  @Test
  void customizationsThatDoNotFitAreReportedWithPaths() {
    assertThatThrownBy(() -> LIBRARY.createFromTemplate("java-maven", Customization.builder()
        .removeStage("tset")
        .overrideStage(Stage.builder("deploy").run("x").build())
        .setInput("chekout", "depth", 1)
        .addStage(Stage.builder("build").run("x").build())
        .build()))
        .isInstanceOfSatisfying(TemplateException.class, e -> assertThat(e.problems()).containsExactly(
            "customizations.removeStage[0]: no stage 'tset' to remove; did you mean 'test'?",
            "customizations.overrideStage[0]: no stage 'deploy' to override; the stages are [checkout, build, test, coverage, package]",
            "customizations.setInput[0]: no stage 'chekout'; did you mean 'checkout'?",
            "customizations.addStage[0]: stage 'build' exists already; override it instead"));
    assertThatThrownBy(() -> LIBRARY.createFromTemplate("java-gradle", Customization.builder().setInput("checkout", "depth", "deep")
        .setInput("checkout", "branches", "x").build()))
        .isInstanceOfSatisfying(TemplateException.class, e -> assertThat(e.problems()).anyMatch(s -> s.startsWith("stages.checkout.with.depth:"))
            .anyMatch(s -> s.startsWith("stages.checkout.with.branches:")));
  }

  @Test
  void componentsAreExpandedWithTheirInputs_andAComponentAloneCannotBeCreated() {
    Pipeline p = LIBRARY.createFromTemplate("java-maven", Customization.builder().set("jdk", "21").set("test_goals", "test").build());
    assertThat(p.stage("build").orElseThrow().needs()).containsExactly("checkout");
    assertThat(p.stage("test").orElseThrow().image()).contains("maven:3-eclipse-temurin-21");
    assertThat(p.stage("test").orElseThrow().steps().get(0).run()).isEqualTo("mvn -B test");
    assertThat(p.stages()).extracting(Stage::id).startsWith("checkout", "build", "test");
    assertThatThrownBy(() -> LIBRARY.createFromTemplate("security-checks", Customization.NONE)).hasMessageContaining("is a component");
    assertThatThrownBy(() -> LIBRARY.createFromTemplate("jav-maven", Customization.NONE))
        .hasMessage("no template 'jav-maven'; did you mean 'java-maven'?");
  }
}
