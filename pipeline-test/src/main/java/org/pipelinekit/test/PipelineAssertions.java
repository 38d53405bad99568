package org.pipelinekit.test;

/** Entry point of the test kit's assertions: {@code assertThat(run).succeeded().ranInOrder("build", "deploy")}. */
public final class PipelineAssertions {
  private PipelineAssertions() {}

  public static PipelineRunAssert assertThat(PipelineRun run) {
    return new PipelineRunAssert(run);
  }
}
