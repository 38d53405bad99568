package org.pipelinekit.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pipelinekit.core.engine.ExecutionSnapshot;
import org.pipelinekit.core.engine.PipelineExecutor;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.core.run.ExecutionEvent;
import org.pipelinekit.core.run.ExecutionStatus;
import org.pipelinekit.core.runner.LocalProcessRunner;
import org.pipelinekit.core.testing.StageLogs;

/** A pipeline through the engine: {@code runsOn} sends a stage to the Kubernetes runner, and its pod goes when its job ends. */
class KubernetesPipelineTest {
  @TempDir Path pods;
  @TempDir Path data;

  @Test
  void runsOnChoosesThePodRunner_filesAndOutputsFlowOn_andTheJobsPodIsDeletedWhenItEnds() {
    List<ExecutionEvent> events = Collections.synchronizedList(new ArrayList<>());
    try (FakeKubelet kubelet = new FakeKubelet(pods);
        KubernetesRunner kubernetes = KubernetesRunner.builder(KubernetesRunnerSettings.builder("ci").build()).client(kubelet.client())
            .hostId("host-a").labels("kubernetes").build();
        LocalProcessRunner local = new LocalProcessRunner();
        PipelineExecutor executor = PipelineExecutor.builder().runner(kubernetes).runner(local).dataDirectory(data).build()) {
      Pipeline p = Pipeline.builder("pods")
          .stage("build", s -> s.runsOn("kubernetes").image("busybox:1.36").outputs("version").artifacts(a -> a.path("app.txt"))
              .run("echo built-in-a-pod > app.txt")
              .run("echo \"version=$(cat app.txt | wc -c)\" >> \"$PIPELINE_OUTPUT\""))
          .stage("report", s -> s.needs("build").run("cat app.txt; echo 'size ${{ stages.build.outputs.version }}'"))
          .build();
      ExecutionSnapshot done = org.pipelinekit.core.testing.Runs.runAndHearAll(executor, p, events); // (events may come after the end)
      assertThat(done.status()).as(done.toString()).isEqualTo(ExecutionStatus.SUCCEEDED);
      assertThat(StageLogs.of(executor, done, "report")).contains("built-in-a-pod", "size 15");
      assertThat(events).filteredOn(e -> e instanceof ExecutionEvent.StepStarted).extracting(e -> ((ExecutionEvent.StepStarted) e).runner())
          .containsExactly("kubernetes", "kubernetes", "local");
      assertThat(kubelet.pods()).as("the job's pod went when the job ended").isEmpty();
      assertThat(kubelet.deleted).singleElement().satisfies(d -> assertThat(d).startsWith("pk-").endsWith(" grace 0"));
    }
  }
}
