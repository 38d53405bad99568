package org.pipelinekit.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pipelinekit.core.engine.Execution;
import org.pipelinekit.core.engine.PipelineExecutor;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.core.run.ExecutionStatus;
import org.pipelinekit.core.run.ExecutionTrigger;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** Closing the application lets a running execution end by itself within pipelinekit.shutdown-timeout, or cancels it after. */
class GracefulShutdownTest {
  @TempDir Path dir;

  private final ApplicationContextRunner contexts = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(PipelineKitAutoConfiguration.class));

  private ExecutionStatus closeWhileItRuns(String timeout) throws Exception {
    Execution[] run = new Execution[1];
    contexts.withPropertyValues("pipelinekit.data-dir=" + dir.resolve(timeout), "pipelinekit.shutdown-timeout=" + timeout).run(context -> {
      PipelineExecutor executor = context.getBean(PipelineExecutor.class);
      run[0] = executor.execute(Pipeline.builder("slow").stage("work", s -> s.run("sleep 1; echo done")).build(), ExecutionTrigger.manual(),
          Map.of());
    }); // the context closes here, with the run going on
    return run[0].completion().get(60, TimeUnit.SECONDS).status();
  }

  @Test
  void aRunningExecutionEndsByItselfWithinTheTimeout_andIsCancelledWithout() throws Exception {
    assertThat(closeWhileItRuns("30s")).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(closeWhileItRuns("0s")).isEqualTo(ExecutionStatus.CANCELLED);
  }
}
