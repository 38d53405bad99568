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
  void plan_refusesInvalidPipelines() {
    assertThat(run("plan", SAMPLES.resolve("broken.yaml").toString())).isEqualTo(Main.INVALID);
    assertThat(err.toString()).contains("the pipeline has 6 errors");
  }
}
