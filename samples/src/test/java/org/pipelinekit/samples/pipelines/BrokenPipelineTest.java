package org.pipelinekit.samples.pipelines;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.pipelinekit.core.validate.PipelineValidationException;
import org.pipelinekit.test.PipelineTest;
import org.pipelinekit.test.PipelineTester;
import org.pipelinekit.test.Trigger;

/** {@code broken.yaml}: the test kit refuses it before anything runs, with every problem at once. */
@PipelineTest
class BrokenPipelineTest {
  @Test
  void itIsRefusedWithEveryProblem(PipelineTester tester) {
    assertThatThrownBy(() -> tester.otherStepsSucceed().run(SamplePipelines.yaml("broken.yaml"), Trigger.push("main")))
        .isInstanceOf(PipelineValidationException.class)
        .hasMessageContaining("biuld").hasMessageContaining("sucess").hasMessageContaining("verison");
  }
}
