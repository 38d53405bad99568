package org.pipelinekit.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.pipelinekit.core.engine.EngineTesting.await;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pipelinekit.core.format.PipelineFormat;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.core.run.ExecutionStatus;
import org.pipelinekit.core.run.ExecutionTrigger;
import org.pipelinekit.core.run.LogLine;
import org.pipelinekit.core.validate.PipelineValidator;
import org.pipelinekit.core.validate.ProblemCode;

/** Fan-in of matrix results: {@code stages.test.outputs[*].coverage} is every job's value, in matrix order, as Tekton's matrix results are. */
class MatrixResultsTest {
  @TempDir Path dir;

  static final String PIPELINE = """
      pipelinekit: 1
      id: fan-in
      stages:
        - id: test
          outputs: [coverage]
          matrix: { axes: { package: [shared, api, web] } }
          steps:
            - run: |
                case ${{ matrix.package }} in shared) c=81;; api) c=92;; web) c=77;; esac
                echo "coverage=$c" >> "$PIPELINE_OUTPUT"
        - id: report
          needs: [test]
          env: { ALL: "${{ stages.test.outputs[*].coverage }}" }
          steps:
            - run: echo "each $ALL; spaced ${{ join(stages.test.outputs[*].coverage, ' ') }}; merged ${{ stages.test.outputs.coverage }}"
      """;

  @Test
  void aStageAfterAMatrixReadsEveryJobsOutput_inMatrixOrder() throws Exception {
    Pipeline p = PipelineFormat.of("yaml").read(PIPELINE);
    try (PipelineExecutor executor = PipelineExecutor.builder().dataDirectory(dir).build()) {
      Execution e = executor.execute(p, ExecutionTrigger.manual(), Map.of());
      ExecutionSnapshot done = await(e);
      assertThat(done.status()).as(done.toString()).isEqualTo(ExecutionStatus.SUCCEEDED);
      assertThat(e.logs().read("report", 1, 100)).extracting(LogLine::text).contains("each 81,92,77; spaced 81 92 77; merged 77");
    }
  }

  @Test
  void anOutputEveryJobWouldHaveToWrite_isCheckedLikeAnyOther() {
    Pipeline p = PipelineFormat.of("yaml").read(PIPELINE.replace("outputs[*].coverage }}\" }", "outputs[*].coverag }}\" }"));
    assertThat(PipelineValidator.create().validate(p).errors())
        .anySatisfy(problem -> {
          assertThat(problem.code()).isEqualTo(ProblemCode.REFERENCE_UNKNOWN_OUTPUT);
          assertThat(problem.message()).contains("has no output 'coverag'").contains("did you mean 'coverage'?");
        });
  }
}
