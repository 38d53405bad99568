package org.pipelinekit.core.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.pipelinekit.core.PipelineException;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.core.model.Stage;
import org.pipelinekit.core.testing.SamplePipelines;
import org.pipelinekit.core.validate.PipelineValidator;

class PipelineFormatTest {

  static String resource(String name) throws IOException {
    try (InputStream in = PipelineFormatTest.class.getResourceAsStream("/pipelines/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static PipelineFormatException yamlError(String yaml) {
    try {
      PipelineFormat.YAML.read(yaml, "ci.yaml");
    } catch (PipelineFormatException e) {
      return e;
    }
    throw new AssertionError("no error for:\n" + yaml);
  }

  @Test
  void read_acceptsTheDesignDocumentExample() throws IOException {
    Pipeline p = PipelineFormat.YAML.read(resource("design-example.yaml"));
    assertThat(p.id()).isEqualTo("java-ci");
    assertThat(p.stages()).extracting(Stage::id).containsExactly("checkout", "build", "test", "deploy");
    Stage test = p.stage("test").orElseThrow();
    assertThat(test.matrix().orElseThrow().axes()).containsEntry("jdk", List.of("17", "21"));
    assertThat(test.retry().orElseThrow().backoff().max()).isEqualTo(Duration.ofSeconds(30));
    assertThat(p.stage("deploy").orElseThrow().environment().orElseThrow().name()).isEqualTo("production");
    assertThat(PipelineValidator.create().validate(p).problems()).isEmpty();
  }

  @Test
  void write_isCanonicalYaml() throws IOException {
    assertThat(PipelineFormat.YAML.write(SamplePipelines.javaCi())).isEqualTo(resource("java-ci.yaml"));
  }

  @Test
  void write_isCanonicalJson() throws IOException {
    assertThat(PipelineFormat.JSON.write(SamplePipelines.javaCi())).isEqualTo(resource("java-ci.json"));
  }

  @Test
  void write_hclEscapesInterpolationAndUsesBlocks() throws IOException {
    String hcl = PipelineFormat.HCL.write(SamplePipelines.javaCi());
    assertThat(hcl).isEqualTo(resource("java-ci.hcl"));
    assertThat(hcl).contains("group = \"java-ci-$${{ branch }}\"").contains("stage \"deploy\" {").contains("trigger \"manual\" {}");
  }

  @Test
  void readWrite_roundTripsTheSample() {
    Pipeline p = SamplePipelines.javaCi();
    for (PipelineFormat f : List.of(PipelineFormat.YAML, PipelineFormat.JSON)) {
      String text = f.write(p);
      assertThat(f.read(text)).isEqualTo(p);
      assertThat(f.write(f.read(text))).isEqualTo(text);
    }
  }

  @Test
  void read_malformedYamlGivesLineAndColumn() {
    PipelineFormatException e = yamlError("pipelinekit: 1\nid: ci\nstages:\n  - id: a\n    steps: [ { run: x }\n  - id: b\n");
    assertThat(e.code()).isEqualTo("PIPELINE_FORMAT_INVALID");
    assertThat(e.line()).isEqualTo(6);
    assertThat(e.column()).isEqualTo(3);
    assertThat(e.getMessage()).isEqualTo("ci.yaml: line 6, column 3: malformed YAML: a '[' list is not closed (opened at line 5,"
        + " column 12); end it with ']' (or quote a value that starts with '[')");
  }

  @Test
  void read_badIndentationGivesLineAndColumn() {
    PipelineFormatException e = yamlError("id: ci\nstages:\n  - id: a\n   steps: []\n");
    assertThat(e.problems()).singleElement().hasToString("line 4, column 4: malformed YAML: this line's indentation does not line"
        + " up with the block it belongs to (the block starts at line 3, column 3); indent it like that block's other entries");
  }

  @Test
  void read_malformedJsonGivesLineAndColumn() {
    assertThatThrownBy(() -> PipelineFormat.JSON.read("{\n  \"id\": \"ci\",\n  \"stages\": [\n    {\"id\": \"a\",}\n  ]\n}", "ci.json"))
        .isInstanceOfSatisfying(PipelineFormatException.class, e -> {
          assertThat(e.line()).isEqualTo(4);
          assertThat(e.column()).isEqualTo(16);
          assertThat(e.getMessage()).startsWith("ci.json: line 4, column 16: malformed JSON: Unexpected character ('}'");
        });
  }

  @Test
  void read_truncatedJsonSaysWhere() {
    assertThatThrownBy(() -> PipelineFormat.JSON.read("{\"id\": \"ci\", \"stages\": [")).isInstanceOfSatisfying(PipelineFormatException.class,
        e -> assertThat(e.getMessage()).isEqualTo("line 1, column 25: malformed JSON: Unexpected end-of-input:"
            + " expected close marker for Array (opened at line 1, column 24)"));
  }

  @Test
  void read_emptyDocument() {
    assertThat(yamlError("").getMessage()).isEqualTo("ci.yaml: line 1, column 1: the document is empty");
  }

  @Test
  void read_reportsEveryShapeProblemWithItsPosition() {
    PipelineFormatException e = yamlError(String.join("\n",
        "pipelinekit: 1",
        "id: ci",
        "stages:",
        "  - id: build",
        "    timeout: 20x",
        "    retry: { limit: two }",
        "    needz: [a]",
        "    steps:",
        "      - run: make",
        "        env: [A]",
        "  - name: no id",
        ""));
    assertThat(e.problems()).extracting(FormatProblem::toString).containsExactly(
        "line 7, column 5 (stages[0].needz): unknown key 'needz'; did you mean 'needs'?; the keys here are approval, artifacts,"
            + " cache, continueOnError, dependencies, env, environment, gates, id, image, matrix, memoize, name, needs, outputs, resources, retry, runsOn, steps,"
            + " timeout, type,"
            + " when, with",
        "line 6, column 21 (stages.build.retry.limit): must be a whole number, got 'two'",
        "line 5, column 14 (stages.build.timeout): '20x' is not a duration; write it like 90s, 20m, 2h, 30d or 1h30m",
        "line 10, column 14 (stages.build.steps[0].env): must be a map (key: value), got a list",
        "line 11, column 5 (stages[1].id): 'id' is required here");
    assertThat(e.getMessage()).startsWith("ci.yaml: 5 problems:\n  - line 7, column 5");
  }

  @Test
  void read_aStageLevelRunOrScript_saysCommandsGoInSteps() {
    PipelineFormatException e = yamlError("id: ci\nstages:\n  - id: build\n    run: make\n  - id: test\n    script: [make test]\n");
    assertThat(e.problems()).extracting(FormatProblem::toString).allSatisfy(p -> assertThat(p)
        .contains("a stage's commands go in its steps, e.g. steps: [{ run: make test }]").contains("--from"));
    assertThat(e.problems()).hasSize(2);
  }

  @Test
  void read_refusesDuplicateKeys() {
    PipelineFormatException e = yamlError("id: ci\nstages: []\nid: other\n");
    assertThat(e.problems()).singleElement().hasToString(
        "line 3, column 1: key 'id' appears twice in one map (first on line 1); keep one");
  }

  @Test
  void read_refusesNewerFormatVersions() {
    PipelineFormatException e = yamlError("pipelinekit: 2\nid: ci\nstages: []\n");
    assertThat(e.getMessage()).contains("this file is format version 2; this PipelineKit reads version 1 (it was written by a newer PipelineKit)");
  }

  @Test
  void read_acceptsShorthands() {
    Pipeline p = PipelineFormat.YAML.read(String.join("\n",
        "id: ci",
        "triggers: [manual, { push: { branches: main } }]",
        "concurrency: deploy",
        "stages:",
        "  - id: a",
        "    retry: 2",
        "    timeout: 90",
        "    environment: staging",
        "    artifacts: [dist/**]",
        "    steps: [make, { name: test, run: make test }]",
        "  - id: b",
        "    needs: a",
        "    steps: [ok]",
        ""));
    Stage a = p.stage("a").orElseThrow();
    assertThat(a.retry().orElseThrow().limit()).isEqualTo(2);
    assertThat(a.timeout()).contains(Duration.ofSeconds(90));
    assertThat(a.steps()).hasSize(2);
    assertThat(a.artifacts().orElseThrow().paths()).containsExactly("dist/**");
    assertThat(p.stage("b").orElseThrow().needs()).containsExactly("a");
    assertThat(p.concurrency().orElseThrow().group()).isEqualTo("deploy");
    assertThat(p.triggers()).hasSize(2);
  }

  @Test
  void read_hclIsExportOnly() {
    assertThatThrownBy(() -> PipelineFormat.HCL.read("pipeline \"x\" {}")).isInstanceOf(PipelineException.class)
        .hasMessage("hcl is export-only; import YAML or JSON");
  }

  @Test
  void formats_areFoundByNameAndFileName() {
    assertThat(PipelineFormat.of("YAML")).isEqualTo(PipelineFormat.YAML);
    assertThat(PipelineFormat.forFileName("ci.yml")).isEqualTo(PipelineFormat.YAML);
    assertThat(PipelineFormat.forFileName("ci.json")).isEqualTo(PipelineFormat.JSON);
    assertThatThrownBy(() -> PipelineFormat.of("toml")).hasMessage("unknown format 'toml'; use one of yaml, json, hcl");
    assertThatThrownBy(() -> PipelineFormat.forFileName("ci.txt"))
        .hasMessage("cannot tell the format of 'ci.txt'; name it .yaml, .yml or .json");
  }

  @org.junit.jupiter.api.Test
  void lineOf_findsTheDeepestPlaceOfAValidationPathInTheText() {
    String yaml = """
        pipelinekit: 1
        id: ci
        stages:
          - id: build
            steps:
              - run: make
          - id: test
            needs: [build, nope]
            steps:
              - run: make test
        """;
    assertThat(PipelineFormat.YAML.lineOf(yaml, "stages.test.needs[1]")).hasValue(8);
    assertThat(PipelineFormat.YAML.lineOf(yaml, "stages.test.steps[0].run")).hasValue(10);
    assertThat(PipelineFormat.YAML.lineOf(yaml, "stages.build.with.goals")).as("as deep as the text goes").hasValue(4);
    assertThat(PipelineFormat.YAML.lineOf(yaml, "id")).hasValue(2);
    assertThat(PipelineFormat.YAML.lineOf(yaml, "triggers[0]")).isEmpty();
    assertThat(PipelineFormat.YAML.lineOf("stages: [", "stages")).isEmpty();
    assertThat(PipelineFormat.YAML.lineOf(yaml, "stages.test.needs[99999999999]")).as("no such index: the deepest place").hasValue(8);
  }
}
