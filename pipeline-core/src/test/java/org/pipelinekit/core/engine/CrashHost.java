package org.pipelinekit.core.engine;

import java.nio.file.Path;
import org.pipelinekit.core.run.ExecutionEvent.LogAppended;
import org.pipelinekit.core.model.Pipeline;

/** A host JVM for RecoveryTest to kill: runs a pipeline and says READY once its long stage has written its log. */
public final class CrashHost {
  private CrashHost() {}

  static Pipeline pipeline() {
    return Pipeline.builder("crashy")
        .stage("prepare", s -> s.outputs("token").run("seq 1 100; echo token=abc >> \"$PIPELINE_OUTPUT\""))
        .stage("work", s -> s.needs("prepare")
            .run("if [ -f resume ]; then echo resumed with ${{ stages.prepare.outputs.token }}; exit 0; fi;"
                + " i=0; while [ $i -lt 50 ]; do echo line-$i; i=$((i+1)); done; echo $$ > work.pid; echo ready; sleep 600"))
        .build();
  }

  public static void main(String[] args) throws Exception {
    PipelineExecutor executor = PipelineExecutor.builder().dataDirectory(Path.of(args[0])).build();
    Execution e = executor.execute(pipeline());
    e.subscribe(event -> {
      if (event instanceof LogAppended l && l.line().text().equals("ready")) {
        System.out.println("READY " + e.id());
        System.out.flush();
      }
    });
    e.completion().join();
  }
}
