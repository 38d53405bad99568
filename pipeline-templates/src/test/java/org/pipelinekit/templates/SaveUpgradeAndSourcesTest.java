package org.pipelinekit.templates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.core.model.Stage;
import org.pipelinekit.core.model.Trigger;

class SaveUpgradeAndSourcesTest {
  @TempDir Path dir;

  static Pipeline service() {
    return Pipeline.builder("orders-ci")
        .name("Orders CI")
        .trigger(Trigger.push("main"))
        .stage("build", s -> s.image("maven:3-eclipse-temurin-21").run("mvn -B -Djdk=21 package").retry(2))
        .stage("test", s -> s.needs("build").matrix(m -> m.axis("jdk", "21", "17")).run("mvn -B verify"))
        .stage("deploy", s -> s.needs("test").when("branch == 'main'").run("./deploy.sh orders"))
        .build();
  }

  @Test
  void saveAsTemplateThenCreateGivesThePipelineBack_andNewValuesGoWhereTheOldOnesWere() throws IOException {
    TemplateLibrary library = TemplateLibrary.builder().directory(dir.resolve("mine"), true).build();
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("jdk", "21");
    params.put("service", "orders");
    params.put("retries", 2L);
    Template t = library.saveAsTemplate(service(), new TemplateMetadata("service-ci", "Service CI", "build", "our services' CI",
        "1.0.0", Sharing.project("payments"), params));
    assertThat(t.parameters()).extracting(TemplateParameter::name, TemplateParameter::type).containsExactly(
        org.assertj.core.groups.Tuple.tuple("jdk", TemplateParameter.Type.STRING),
        org.assertj.core.groups.Tuple.tuple("service", TemplateParameter.Type.STRING),
        org.assertj.core.groups.Tuple.tuple("retries", TemplateParameter.Type.NUMBER));
    Pipeline back = library.createFromTemplate(t, Customization.builder().id("orders-ci").build());
    assertThat(back.toBuilder().clearTemplate().build()).isEqualTo(service());

    Pipeline other = library.createFromTemplate(t, Customization.builder().id("billing-ci").set("jdk", "17").set("service", "billing")
        .set("retries", 5).build());
    assertThat(other.stage("build").orElseThrow().image()).contains("maven:3-eclipse-temurin-17");
    assertThat(other.stage("build").orElseThrow().steps().get(0).run()).isEqualTo("mvn -B -Djdk=17 package");
    assertThat(other.stage("build").orElseThrow().retry().orElseThrow().limit()).isEqualTo(5);
    assertThat(other.stage("test").orElseThrow().matrix().orElseThrow().axes().get("jdk")).containsExactly("17", "17");
    assertThat(other.stage("deploy").orElseThrow().steps().get(0).run()).isEqualTo("./deploy.sh billing");

    // stored in the directory, and read back by another library from there
    library.save(t);
    TemplateLibrary again = TemplateLibrary.builder().directory(dir.resolve("mine"), false).build();
    Template read = again.template("service-ci").orElseThrow();
    assertThat(again.createFromTemplate(read, Customization.builder().id("orders-ci").build()).toBuilder().clearTemplate().build())
        .isEqualTo(service());
    assertThatThrownBy(() -> library.save(t)).hasMessageContaining("exists already; give the new one a higher version");

    // a project template is seen by the project's members only
    assertThat(again.getTemplates(Optional.empty(), new Sharing.Viewer("ana", Set.of("payments")))).hasSize(1);
    assertThat(again.getTemplates(Optional.empty(), new Sharing.Viewer("bob", Set.of("search")))).isEmpty();
  }

  private static void writeTemplate(Path folder, String version, String extraStage) throws IOException {
    Files.createDirectories(folder);
    Files.writeString(folder.resolve("template.yaml"), """
        pipelinekit-template: 1
        id: svc
        name: Service
        category: build
        version: %s
        parameters:
          - name: goals
            type: string
            default: verify
        """.formatted(version));
    Files.writeString(folder.resolve("pipeline.yaml"), """
        pipelinekit: 1
        stages:
          - id: build
            steps:
              - run: mvn -B package
          - id: test
            needs: [build]
            steps:
              - run: mvn -B ${{ params.goals }}
        %s
        """.formatted(extraStage));
  }

  @Test
  void upgradingShowsTheTemplatesChanges_andKeepsThePipelinesOwn() throws IOException {
    writeTemplate(dir.resolve("lib/svc-1"), "1.0.0", """
          - id: publish
            needs: [test]
            steps:
              - run: ./publish.sh
        """);
    writeTemplate(dir.resolve("lib/svc-2"), "1.1.0", """
          - id: publish
            needs: [test]
            timeout: 10m
            steps:
              - run: ./publish.sh --signed
          - id: scan
            needs: [build]
            type: sast
        """);
    Files.writeString(dir.resolve("lib/svc-2/pipeline.yaml"), Files.readString(dir.resolve("lib/svc-2/pipeline.yaml"))
        .replace("run: mvn -B package", "run: mvn -B -T4 package"));
    TemplateLibrary library = TemplateLibrary.builder().directory(dir.resolve("lib"), false).build();
    assertThat(library.template("svc").orElseThrow().version()).isEqualTo("1.1.0");

    Pipeline mine = library.createFromTemplate("svc", "1.0.0", Customization.builder().id("my-svc").set("goals", "test")
        .overrideStage(Stage.builder("publish").needs("test").run("./publish.sh --dry-run").build())
        .addStage(Stage.builder("notify").needs("publish").run("./notify.sh").build()).build());
    assertThat(mine.template().orElseThrow().version()).isEqualTo("1.0.0");

    Upgrade up = library.upgrade(mine, Optional.empty());
    assertThat(up.from()).isEqualTo("1.0.0");
    assertThat(up.to()).isEqualTo("1.1.0");
    assertThat(up.diff()).contains(
        "~ stages.build.steps: [{run=mvn -B package}] → [{run=mvn -B -T4 package}]",
        "+ stages.publish.timeout: 10m",
        "+ stages.scan: ",
        "! stages.publish");
    Pipeline upgraded = up.pipeline();
    assertThat(upgraded.template().orElseThrow().version()).isEqualTo("1.1.0");
    assertThat(upgraded.template().orElseThrow().values()).containsEntry("goals", "test");
    assertThat(upgraded.stage("build").orElseThrow().steps().get(0).run()).as("the template's change").isEqualTo("mvn -B -T4 package");
    assertThat(upgraded.stage("test").orElseThrow().steps().get(0).run()).as("the pipeline's value").isEqualTo("mvn -B test");
    assertThat(upgraded.stage("scan")).as("the template's new stage").isPresent();
    assertThat(upgraded.stage("publish").orElseThrow().steps().get(0).run()).as("changed by both: the pipeline's")
        .isEqualTo("./publish.sh --dry-run");
    assertThat(upgraded.stage("notify")).as("the pipeline's own stage").isPresent();
    assertThat(up.conflicts()).extracting(Change::path).containsExactly("stages.publish");
  }

  @Test
  void templatesAreReadFromAGitRepositoryAtARef() throws Exception {
    Path repo = dir.resolve("repo");
    writeTemplate(repo.resolve("templates/svc"), "1.0.0", "");
    try (Git git = Git.init().setDirectory(repo.toFile()).setInitialBranch("main").call()) {
      git.add().addFilepattern(".").call();
      git.commit().setMessage("svc 1.0.0").setAuthor("t", "t@example.org").setCommitter("t", "t@example.org").call();
      git.tag().setName("v1").call();
      writeTemplate(repo.resolve("templates/svc"), "2.0.0", "");
      git.add().addFilepattern(".").call();
      git.commit().setMessage("svc 2.0.0").setAuthor("t", "t@example.org").setCommitter("t", "t@example.org").call();
    }
    Files.writeString(repo.resolve("templates/svc/template.yaml"), "not: [committed"); // the work tree is never read
    assertThat(TemplateLibrary.builder().git(repo, "main").build().template("svc").orElseThrow().version()).isEqualTo("2.0.0");
    TemplateLibrary atTag = TemplateLibrary.builder().git(repo, "v1").build();
    assertThat(atTag.template("svc").orElseThrow().version()).isEqualTo("1.0.0");
    assertThat(atTag.createFromTemplate("svc", Customization.NONE).stages()).hasSize(2);
    assertThatThrownBy(() -> TemplateLibrary.builder().git(repo, "v9").build()).hasMessageContaining("no ref v9");
  }

  @Test
  void aKotlinScriptCanBeATemplateBody() throws IOException {
    Path folder = Files.createDirectories(dir.resolve("kts/greeter"));
    Files.writeString(folder.resolve("template.yaml"), """
        pipelinekit-template: 1
        id: greeter
        name: Greeter
        version: 1.0.0
        parameters:
          - name: who
            default: world
        """);
    Files.writeString(folder.resolve("pipeline.pipeline.kts"), """
        pipeline("greeter") {
            stage("hello") { run("echo hello \\${{ params.who }}") }
            stage("bye") { needs("hello"); timeout = 5.minutes; run("echo bye") }
        }
        """);
    TemplateLibrary library = TemplateLibrary.builder().directory(dir.resolve("kts"), false).build();
    Pipeline p = library.createFromTemplate("greeter", Customization.builder().set("who", "kotlin").build());
    assertThat(p.stage("hello").orElseThrow().steps().get(0).run()).isEqualTo("echo hello kotlin");
    assertThat(p.stage("bye").orElseThrow().timeout()).contains(Duration.ofMinutes(5));
  }

  @Test
  void brokenTemplateFilesAreReportedWithTheirFileAndPath() throws IOException {
    Path folder = Files.createDirectories(dir.resolve("bad/broken"));
    Files.writeString(folder.resolve("template.yaml"), """
        pipelinekit-template: 1
        id: Broken Id
        version: one
        parameters:
          - name: x
            type: strng
          - name: n
            type: number
            default: ten
        colour: blue
        """);
    Files.writeString(folder.resolve("pipeline.yaml"), "stages: []\n");
    assertThatThrownBy(() -> TemplateLibrary.builder().directory(dir.resolve("bad"), false).build())
        .isInstanceOfSatisfying(TemplateException.class, e -> assertThat(e.problems()).allMatch(p -> p.startsWith(folder + "/template.yaml: "))
            .anyMatch(p -> p.endsWith("colour: unknown key; the keys here are [category, description, id, include, kind, name, parameters,"
                + " pipelinekit-template, sharing, version]"))
            .anyMatch(p -> p.endsWith("id: 'Broken Id' is not a valid id: use lower-case letters, digits, _ and -"))
            .anyMatch(p -> p.endsWith("version: 'one' is not a version; write it like 1.4.0"))
            .anyMatch(p -> p.endsWith("parameters[0].type: 'strng' is not a parameter type; use string, number, boolean, choice or list"))
            .anyMatch(p -> p.endsWith("parameters[1].default: parameter 'n' must be a number, got 'ten'")));
  }

  @Test
  void versionsCompareAsNumbers() {
    assertThat(TemplateLibrary.compareVersions("1.10.0", "1.9.2")).isPositive();
    assertThat(TemplateLibrary.compareVersions("1.0.0-rc1", "1.0.0")).isNegative();
    assertThat(TemplateLibrary.compareVersions("2", "2.0.0")).isZero();
    assertThat(List.of("1.0.0", "1.10.0", "1.2.0").stream().sorted(TemplateLibrary::compareVersions).toList())
        .containsExactly("1.0.0", "1.2.0", "1.10.0");
  }
}
