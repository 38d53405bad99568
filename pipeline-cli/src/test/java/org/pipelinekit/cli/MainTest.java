package org.pipelinekit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pipelinekit.core.format.PipelineFormat;

class MainTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
  }

  private static final Path SAMPLES = Path.of("../samples/pipelines");

  @Test
  void validate_acceptsAValidPipeline() {
    assertThat(run("validate", SAMPLES.resolve("java-ci.yaml").toString())).isZero();
    assertThat(out.toString()).contains("pipeline 'java-ci' is valid (4 stages)");
  }

  @Test
  void validate_printsEveryProblemAndFails() {
    assertThat(run("validate", SAMPLES.resolve("broken.yaml").toString())).isEqualTo(Main.INVALID);
    assertThat(err.toString()).contains("error CYCLE at stages.test.needs[1]: the needs form a cycle: test → deploy → test")
        .contains("error NEEDS_UNKNOWN at stages.test.needs[0]").contains("did you mean 'success'?");
  }

  @Test
  void validate_printsFileLineAndColumnForMalformedFiles(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("bad.yaml");
    Files.writeString(file, "id: x\nstages:\n  - id: a\n    timeout: soon\n    steps: [make]\n");
    assertThat(run("validate", file.toString())).isEqualTo(Main.INVALID);
    assertThat(err.toString()).isEqualTo(file + ":4:14: error: stages.a.timeout: 'soon' is not a duration;"
        + " write it like 90s, 20m, 2h, 30d or 1h30m\n");
  }

  @Test
  void validate_namesMissingFiles() {
    assertThat(run("validate", "nope.yaml")).isEqualTo(Main.INVALID);
    assertThat(err.toString()).isEqualTo("nope.yaml: no such file\n");
  }

  @Test
  void export_printsCanonicalText() throws IOException {
    assertThat(run("export", "-f", "json", SAMPLES.resolve("java-ci.yaml").toString())).isZero();
    assertThat(PipelineFormat.JSON.read(out.toString())).isEqualTo(PipelineFormat.read(SAMPLES.resolve("java-ci.yaml")));
  }

  @Test
  void export_refusesUnknownFormats() {
    assertThat(run("export", "-f", "toml", SAMPLES.resolve("java-ci.yaml").toString())).isEqualTo(Main.INVALID);
    assertThat(err.toString()).contains("unknown format 'toml'; use one of yaml, json, hcl");
  }

  @Test
  void plan_showsWavesAndTheCriticalPath() {
    assertThat(run("plan", SAMPLES.resolve("parallel.yaml").toString())).isZero();
    assertThat(out.toString()).contains("pipeline parallel: 5 stages, 7 jobs")
        .contains("  unit (after checkout) × 3 matrix jobs")
        .contains("  package (after lint, unit) [redundant needs: checkout]");
  }

  @Test
  void run_runsThePipelineAndStreamsProgressAndLogs(@TempDir Path dir) {
    assertThat(run("run", SAMPLES.resolve("parallel.yaml").toString(), "--branch", "main", "--data-dir", dir.toString())).isZero();
    assertThat(out.toString()).contains("▶ checkout", "  [unit[os=linux, jdk=17]] unit linux 17", "✓ publish success",
        "publishing 1.0.1", "SUCCEEDED in ");
  }

  @Test
  void run_takesParametersAndFailsWithExitCodeOne(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("p.yaml");
    Files.writeString(file, "id: p\nparameters: [{ name: code, type: number, default: 0 }]\n"
        + "stages:\n  - id: a\n    steps: [{ run: 'echo code ${{ params.code }}; exit ${{ params.code }}' }]\n"
        + "  - id: b\n    needs: [a]\n    steps: [{ run: echo never }]\n");
    assertThat(run("run", file.toString(), "-p", "code=3", "--data-dir", dir.resolve("d").toString())).isEqualTo(Main.INVALID);
    assertThat(out.toString()).contains("  [a] code 3", "✗ a failure", "↷ b skipped: a needed stage did not succeed: a (failure)",
        "FAILED in ");
    out.getBuffer().setLength(0);
    assertThat(run("run", file.toString(), "-p", "code=x", "--data-dir", dir.resolve("e").toString())).isEqualTo(Main.INVALID);
    assertThat(err.toString()).contains("parameter 'code' must be a number, got x");
  }

  @Test
  void run_usesTheGivenWorkspace(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("input.txt"), "from the project");
    Path file = dir.resolve("p.yaml");
    Files.writeString(file, "id: p\nstages:\n  - id: a\n    steps: [{ run: cat input.txt }]\n");
    assertThat(run("run", file.toString(), "--workspace", dir.toString(), "--data-dir", dir.resolve("d").toString())).isZero();
    assertThat(out.toString()).contains("  [a] from the project");
  }

  @Test
  void plan_refusesInvalidPipelines() {
    assertThat(run("plan", SAMPLES.resolve("broken.yaml").toString())).isEqualTo(Main.INVALID);
    assertThat(err.toString()).contains("the pipeline has 6 errors");
  }
}
