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
    assertThat(PipelineFormat.YAML.read(PipelineFormat.YAML.write(p))).as("the YAML reads back the same").isEqualTo(p);
  }

  @Test
  void runSample_runsThePipeline(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
    Pipeline p = Pipeline.builder("sample").stage("a", s -> s.run("echo hi")).build();
    assertThat(RunSample.run(p, dir).status()).isEqualTo(org.pipelinekit.core.run.ExecutionStatus.SUCCEEDED);
  }

  @Test
  void samplePipelineFiles_readAndAreValidExceptTheBrokenOne() throws IOException {
    PipelineValidator validator = PipelineValidator.create();
    assertThat(validator.validate(PipelineFormat.read(Path.of("pipelines/java-ci.yaml"))).problems()).isEmpty();
    assertThat(validator.validate(PipelineFormat.read(Path.of("pipelines/parallel.yaml"))).problems()).isEmpty();
    assertThat(validator.validate(PipelineFormat.read(Path.of("pipelines/broken.yaml"))).errors()).hasSizeGreaterThan(4);
  }

}
