package org.pipelinekit.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.core.run.ExecutionEvent.StepStarted;
import org.pipelinekit.core.run.ExecutionStatus;
import org.pipelinekit.core.runner.LocalProcessRunner;
import org.pipelinekit.core.spi.Runner;
import org.pipelinekit.core.spi.RunningStep;
import org.pipelinekit.core.spi.StepOutput;
import org.pipelinekit.core.spi.StepRequest;

/**
 * {@code runsOn} chooses among a host's runners: a stage goes to a runner whose labels hold one of its labels; a labelled
 * runner takes nothing else; and every runner hears when a job attempt has ended, once, with the attempt's labels.
 */
class RunnerLabelsTest {
  @TempDir Path dir;

  /** A real local runner answering to labels, recording the jobs it is told have ended. */
  private static final class Labelled implements Runner {
    final LocalProcessRunner local = new LocalProcessRunner();
    final String id;
    final Set<String> labels;
    final List<Map<String, String>> ended = Collections.synchronizedList(new ArrayList<>());

    Labelled(String id, String... labels) {
      this.id = id;
      this.labels = Set.of(labels);
    }

    @Override
    public String id() {
      return id;
    }

    @Override
    public Set<String> labels() {
      return labels;
    }

    @Override
    public RunningStep start(StepRequest request, StepOutput output) {
      return local.start(request, output);
    }

    @Override
    public void jobEnded(Map<String, String> jobLabels) {
      ended.add(jobLabels);
    }

    @Override
    public void close() {
      local.close();
    }
  }

  @Test
  void runsOnSendsAStageToTheRunnerWithItsLabel_andALabelledRunnerTakesNothingElse() throws Exception {
    EngineTesting.Recorder events = new EngineTesting.Recorder();
    try (Labelled gpu = new Labelled("gpu-runner", "gpu", "cuda");
        LocalProcessRunner local = new LocalProcessRunner();
        PipelineExecutor executor = PipelineExecutor.builder().runner(gpu).runner(local).dataDirectory(dir).build()) {
      Pipeline p = Pipeline.builder("labels")
          .stage("train", s -> s.runsOn("cuda").run("echo training").run("echo again"))
          .stage("lint", s -> s.run("echo linting"))
          .stage("arm", s -> s.runsOn("arm64").run("echo no arm runner here, the host runs it"))
          .build();
      ExecutionSnapshot done = EngineTesting.await(executor.execute(p, org.pipelinekit.core.run.ExecutionTrigger.manual(), Map.of(), events));
      events.waitFor(ev -> ev instanceof org.pipelinekit.core.run.ExecutionEvent.ExecutionFinished); // (listeners hear events on threads of their own)
      assertThat(done.status()).as("%s %s %s", events.log("train"), events.log("lint"), events.log("arm")).isEqualTo(ExecutionStatus.SUCCEEDED);
      Map<String, List<String>> byStage = new java.util.TreeMap<>();
      for (StepStarted s : events.of(StepStarted.class)) byStage.computeIfAbsent(s.stageId(), k -> new ArrayList<>()).add(s.runner());
      assertThat(byStage).containsEntry("train", List.of("gpu-runner", "gpu-runner")).containsEntry("lint", List.of("local"))
          .containsEntry("arm", List.of("local"));
      assertThat(gpu.ended).as("every job attempt, once, whichever runner ran it").hasSize(3)
          .allSatisfy(l -> assertThat(l).containsEntry("pipelinekit.execution", done.id()).containsEntry("pipelinekit.attempt", "1"))
          .extracting(l -> l.get("pipelinekit.stage")).containsExactlyInAnyOrder("train", "lint", "arm");
    }
  }
}
