package org.pipelinekit.core.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.pipelinekit.core.validate.PipelineValidator;
import org.pipelinekit.core.validate.Problem;

/**
 * A broken file shows every problem in one pass: the values the format refuses, and what the validator finds in the rest
 * (the graph, expressions), without echoes of the refused values; YAML that cannot be parsed says what to change.
 */
class EveryProblemInOnePassTest {
  @Test
  void formatProblemsAndTheLaterPhasesTogether() {
    String text = """
        id: x
        stages:
          - id: a
            timeout: soon
            needs: [nope]
            steps: [make]
          - id: b
            timeout: 0s
            retry: { attempts: 0 }
            when: "branch == 'main' && sucess()"
            steps: [make]
        """;
    PipelineFormatException e = catchThrowableOfType(PipelineFormatException.class, () -> PipelineFormat.YAML.read(text));
    assertThat(e.problems()).extracting(FormatProblem::path)
        .containsExactlyInAnyOrder("stages.a.timeout", "stages.b.retry.attempts", "stages.b.retry.limit", "stages.b.timeout");
    assertThat(e.problems()).extracting(FormatProblem::message)
        .contains("stage b timeout must be longer than zero, got 0s"); // in the file's words, not PT0S
    List<Problem> rest = PipelineValidator.create().validateRest(e);
    assertThat(rest).extracting(Problem::path).containsExactly("stages.a.needs[0]", "stages.b.when");
    assertThat(rest.get(1).message()).contains("did you mean 'success'?");
  }

  @Test
  void aDocumentThatCannotBeParsedHasNoLaterPhase() {
    PipelineFormatException e = catchThrowableOfType(PipelineFormatException.class,
        () -> PipelineFormat.YAML.read("id: x\nstages:\n  - id: a\n   steps: [make]\n"));
    assertThat(e.partial()).isEmpty();
    assertThat(PipelineValidator.create().validateRest(e)).isEmpty();
  }

  @Test
  void malformedYamlSaysWhatToChange() {
    assertThat(yamlProblem("id: x\nstages:\n  - id: a\n   steps: [make]\n"))
        .isEqualTo("4:4 malformed YAML: this line's indentation does not line up with the block it belongs to (the block starts at"
            + " line 3, column 3); indent it like that block's other entries");
    assertThat(yamlProblem("id: x\nstages:\n  - id: a\n    steps:\n      - run: echo a: b\n"))
        .isEqualTo("5:20 malformed YAML: a ': ' inside a value that is not quoted; put the value in quotes");
    assertThat(yamlProblem("id: x\nstages:\n\t- id: a\n")).isEqualTo("3:1 malformed YAML: a tab indents this line; YAML indents with spaces only");
    assertThat(yamlProblem("id: x\nstages:\n  - id: a\n    steps: [make\n"))
        .isEqualTo("5:1 malformed YAML: a '[' list is not closed (opened at line 4, column 12); end it with ']' (or quote a value that"
            + " starts with '[')");
    assertThat(yamlProblem("id: x\nstages:\n  - id: a\n    name: \"unterminated\n"))
        .isEqualTo("5:1 malformed YAML: a quoted value is never closed (opened at line 4, column 11); add the closing quote");
    assertThat(yamlProblem("id: x\nstages:\n  - id: a\n    steps:\n      - run: {{ hi }}\n"))
        .isEqualTo("5:16 malformed YAML: '{' starts a map where a name or text was expected; to write braces in text (such as {{ }}),"
            + " put the value in quotes");
    assertThat(yamlProblem("id: x\nstages:\n  - id: a\n    steps:\n      - run: echo\n      make\n"))
        .isEqualTo("7:1 malformed YAML: line 6 (from column 7) is neither 'key: value' nor '- item' like the lines around it; add"
            + " the ':' or join it to the value above");
  }

  private static String yamlProblem(String text) {
    PipelineFormatException e = catchThrowableOfType(PipelineFormatException.class, () -> PipelineFormat.YAML.read(text));
    assertThat(e.problems()).hasSize(1);
    FormatProblem p = e.problems().get(0);
    assertThat(p.message()).doesNotContain("<").doesNotContain("org.yaml");
    return p.line() + ":" + p.column() + " " + p.message();
  }
}
