package org.pipelinekit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI on files a user writes: matrices as GitHub expands them, jobs in workspaces of their own, steps after a failure. */
class JobsCliTest {
  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
  }

  private Path file(String name, String text) throws Exception {
    return Files.writeString(dir.resolve(name), text);
  }

  /** The jobs the run printed lines for, in the order they first spoke. */
  private List<String> jobs(String stage) {
    Matcher m = Pattern.compile("^  \\[(" + Pattern.quote(stage) + "\\[[^\\]]*\\])\\] ", Pattern.MULTILINE).matcher(out.toString());
    java.util.LinkedHashSet<String> seen = new java.util.LinkedHashSet<>();
    while (m.find()) seen.add(m.group(1));
    return List.copyOf(seen);
  }

  @Test
  void a_aMatrixOfThreeIncludesRunsThreeJobs() throws Exception {
    Path wf = file("include-only.yml", """
        on: push
        jobs:
          build:
            runs-on: ubuntu-latest
            strategy:
              matrix:
                include: [{name: one}, {name: two}, {name: three}]
            steps:
              - run: echo "building ${{ matrix.name }}"
        """);
    assertThat(run("run", "--from", "gha", wf.toString(), "--workspace", dir.toString())).as(out + "" + err).isZero();
    assertThat(jobs("build")).containsExactlyInAnyOrder("build[name=one]", "build[name=two]", "build[name=three]");
    assertThat(out.toString()).contains("building one", "building two", "building three");
  }

  @Test
  void b_githubsFruitAndAnimalExampleRunsExactlyTheDocumentedJobs() throws Exception {
    Path wf = file("fruit.yml", """
        on: push
        jobs:
          example:
            runs-on: ubuntu-latest
            strategy:
              matrix:
                fruit: [apple, pear]
                animal: [cat, dog]
                include:
                  - color: green
                  - color: pink
                    animal: cat
                  - fruit: apple
                    shape: circle
                  - fruit: banana
                  - fruit: banana
                    animal: cat
            steps:
              - run: echo "${{ matrix.fruit }} ${{ matrix.animal }} ${{ matrix.color }} ${{ matrix.shape }}"
        """);
    assertThat(run("run", "--from", "gha", wf.toString(), "--workspace", dir.toString())).as(out + "" + err).isZero();
    assertThat(jobs("example")).containsExactlyInAnyOrder(
        "example[fruit=apple, animal=cat, color=pink, shape=circle]",
        "example[fruit=apple, animal=dog, color=green, shape=circle]",
        "example[fruit=pear, animal=cat, color=pink]",
        "example[fruit=pear, animal=dog, color=green]",
        "example[fruit=banana]",
        "example[fruit=banana, animal=cat]");
  }

  @Test
  void c_aStageSeesOnlyTheSourceAndTheArtifactsOfTheStagesItNeeds() throws Exception {
    Path go = dir.resolve("go");
    Path p = file("isolated.yaml", """
        id: isolated
        stages:
          - id: build
            artifacts: { paths: [dist/] }
            steps: [{ run: "mkdir dist && echo jar > dist/app.jar && echo scratch > notes.txt && touch '%1$s'" }]
          - id: lint
            steps: [{ run: "while [ ! -f '%1$s' ]; do sleep 0.02; done; [ ! -e dist ] && [ ! -e notes.txt ] && echo lint-sees-nothing-of-build" }]
          - id: test
            needs: [build]
            steps: [{ run: "cat dist/app.jar; [ ! -e notes.txt ] && echo no-notes-from-build; cat README" }]
        """.formatted(go));
    Files.createDirectories(dir.resolve("src"));
    Files.writeString(dir.resolve("src/README"), "from the source\n");
    assertThat(run("run", p.toString(), "--workspace", dir.resolve("src").toString())).as(out + "" + err).isZero();
    assertThat(out.toString()).contains("logs and artifacts kept in "); // a temporary directory of the run's own (gone after this test)
    org.pipelinekit.core.files.FileTrees.delete(Path.of(out.toString().substring(out.toString().indexOf("kept in ") + 8).lines().findFirst().get()
        .replace(" (--data-dir DIR chooses where)", "")));
    assertThat(out.toString()).contains("[lint] lint-sees-nothing-of-build", "[test] jar", "[test] no-notes-from-build", "[test] from the source");
    assertThat(dir.resolve("src")).as("the workspace given is copied, never written").isDirectoryNotContaining("glob:**/dist");
  }

  @Test
  void d_aFailureStepRunsAfterAFailingStep_andTheJobKeepsItsExitCode() throws Exception {
    Path p = file("post.yaml", """
        id: post
        stages:
          - id: test
            steps:
              - { name: tests, run: "echo testing; exit 3" }
              - { name: never, run: "echo never" }
              - { name: reports, run: "echo collecting reports", when: failure() }
        """);
    assertThat(run("run", p.toString(), "--data-dir", dir.resolve("data").toString())).isEqualTo(1);
    assertThat(out.toString()).contains("[test] collecting reports", "step 1 (tests) exited with 3").doesNotContain("[test] never");
  }

  @Test
  void e_anArtifactWhenAlwaysIsStoredFromAFailedJob() throws Exception {
    Path p = file("reports.yaml", """
        id: reports
        stages:
          - id: test
            artifacts: { name: test-reports, paths: [report.xml], when: always }
            steps: [{ run: "echo '<testsuite failures=\\"1\\"/>' > report.xml; exit 1" }]
        """);
    assertThat(run("run", p.toString(), "--data-dir", dir.resolve("data").toString())).isEqualTo(1);
    assertThat(out.toString()).contains("[test] artifact test-reports: 1 file");
  }

  @Test
  void f_aSharedWorkspaceStillPassesFilesFromStageToStage() throws Exception {
    Path p = file("shared.yaml", """
        id: shared
        workspace: shared
        stages:
          - { id: write, steps: [{ run: "echo handed-over > note.txt" }] }
          - { id: read, needs: [write], steps: [{ run: "cat note.txt" }] }
        """);
    assertThat(run("run", p.toString())).as(out + "" + err).isZero();
    assertThat(out.toString()).contains("[read] handed-over");
  }
}
