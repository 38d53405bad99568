package org.pipelinekit.core.format;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.core.testing.SamplePipelines;

class PipelineFormatTest {
  @Test
  void print() {
    Pipeline p = SamplePipelines.javaCi();
    System.out.println(PipelineFormat.YAML.write(p));
    System.out.println(PipelineFormat.JSON.write(p));
    System.out.println(PipelineFormat.HCL.write(p));
    assertThat(PipelineFormat.YAML.read(PipelineFormat.YAML.write(p))).isEqualTo(p);
    assertThat(PipelineFormat.JSON.read(PipelineFormat.JSON.write(p))).isEqualTo(p);
  }
}
