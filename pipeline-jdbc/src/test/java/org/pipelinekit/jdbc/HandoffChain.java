package org.pipelinekit.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.pipelinekit.core.engine.Execution;
import org.pipelinekit.core.engine.ExecutionSnapshot;
import org.pipelinekit.core.engine.PipelineExecutor;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.core.run.ExecutionStatus;
import org.pipelinekit.core.run.ExecutionTrigger;

/**
 * The cluster tests' pipeline: five stages each adding a line to {@code chain.txt} and handing it to the next, and a check
 * that the file arrived whole; each stage also writes "execution stage" to {@code ran}, so a stage that ran twice shows.
 */
public final class HandoffChain {
  private HandoffChain() {}

  public static Pipeline pipeline(Path ran) {
    Pipeline.Builder b = Pipeline.builder("five");
    b.stage("s1", s -> s.artifacts(x -> x.path("chain.txt")).run("echo s1 > chain.txt; echo \"${{ execution.id }} s1\" >> '" + ran + "'"));
    for (int i = 2; i <= 5; i++) {
      String id = "s" + i;
      String prev = "s" + (i - 1);
      b.stage(id, s -> s.needs(prev).artifacts(x -> x.path("chain.txt"))
          .run("echo " + id + " >> chain.txt; echo \"${{ execution.id }} " + id + "\" >> '" + ran + "'"));
    }
    b.stage("check", s -> s.needs("s5").run("test \"$(cat chain.txt | tr '\\n' ' ')\" = 's1 s2 s3 s4 s5 '"));
    return b.build();
  }

  /** Starts twelve executions, alternating between the two hosts; checks each succeeded and each stage ran once. */
  public static void runTwelve(PipelineExecutor hostA, PipelineExecutor hostB, Path ran, long timeoutSeconds) throws Exception {
    Pipeline p = pipeline(ran);
    List<Execution> started = new ArrayList<>();
    for (int i = 0; i < 12; i++) started.add((i % 2 == 0 ? hostA : hostB).execute(p, ExecutionTrigger.manual(), Map.of()));
    for (Execution e : started) {
      ExecutionSnapshot done = e.completion().get(timeoutSeconds, TimeUnit.SECONDS);
      assertThat(done.status()).as("%s: %s", e.id(), done.stages()).isEqualTo(ExecutionStatus.SUCCEEDED);
    }
    assertThat(Files.readAllLines(ran)).hasSize(12 * 5).doesNotHaveDuplicates();
  }
}
