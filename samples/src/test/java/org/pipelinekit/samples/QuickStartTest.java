package org.pipelinekit.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.pipelinekit.core.format.PipelineFormat;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.core.validate.PipelineValidator;

class QuickStartTest {
  @Test
  void quickStart_buildsAValidPipeline() {
    Pipeline p = QuickStart.pipeline();
    assertThat(p.stages()).hasSize(3);
  }

  /** README snippets are copied from here; this fails when they drift apart. */
  @Test
  void readme_showsTheQuickStartAsCompiled() throws IOException {
    String source = Files.readString(Path.of("src/main/java/org/pipelinekit/samples/QuickStart.java"));
    String snippet = between(source, "// tag::quickstart[]\n", "// end::quickstart[]").stripIndent();
    assertThat(snippet.lines()).hasSizeGreaterThan(5);
    assertThat(snippet).startsWith("Pipeline ci = ");
    String readme = Files.readString(Path.of("../README.md"));
    assertThat(readme).contains(snippet);
  }

  @Test
  void runSample_runsThePipelineAndTheReadmeShowsIt(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
    Pipeline p = Pipeline.builder("sample").stage("a", s -> s.run("echo hi")).build();
    assertThat(RunSample.run(p, dir).status()).isEqualTo(org.pipelinekit.core.run.ExecutionStatus.SUCCEEDED);
    String source = Files.readString(Path.of("src/main/java/org/pipelinekit/samples/RunSample.java"));
    String snippet = between(source, "// tag::run[]\n", "// end::run[]").stripIndent();
    assertThat(snippet.lines()).hasSizeGreaterThan(2);
    assertThat(Files.readString(Path.of("../README.md"))).contains(snippet);
  }

  @Test
  void readme_showsTheDockerSampleAsCompiled() throws IOException {
    String source = Files.readString(Path.of("src/main/java/org/pipelinekit/samples/DockerSample.java"));
    String snippet = between(source, "// tag::docker[]\n", "// end::docker[]").stripIndent();
    assertThat(snippet).startsWith("try (DockerRunner docker = ");
    assertThat(Files.readString(Path.of("../README.md"))).contains(snippet);
  }

  @Test
  void readme_showsTheCacheSampleAsCompiled() throws IOException {
    String source = Files.readString(Path.of("src/main/java/org/pipelinekit/samples/CacheSample.java"));
    String snippet = between(source, "// tag::cache[]\n", "// end::cache[]").stripIndent();
    assertThat(snippet).startsWith("CacheManager cache = ");
    assertThat(Files.readString(Path.of("../README.md"))).contains(snippet);
  }

  @Test
  void samplePipelineFiles_readAndAreValidExceptTheBrokenOne() throws IOException {
    PipelineValidator validator = PipelineValidator.create();
    assertThat(validator.validate(PipelineFormat.read(Path.of("pipelines/java-ci.yaml"))).problems()).isEmpty();
    assertThat(validator.validate(PipelineFormat.read(Path.of("pipelines/parallel.yaml"))).problems()).isEmpty();
    assertThat(validator.validate(PipelineFormat.read(Path.of("pipelines/broken.yaml"))).errors()).hasSizeGreaterThan(4);
  }

  private static String between(String text, String start, String end) {
    int a = text.indexOf(start) + start.length();
    return text.substring(a, text.indexOf(end, a));
  }
}
