package org.pipelinekit.core.engine;

import java.nio.file.Path;
import org.pipelinekit.core.run.ExecutionEvent.LogAppended;
import org.pipelinekit.core.model.Pipeline;

/** A host JVM for RecoveryTest to kill: runs a pipeline and says READY once its long stage has written its log. */
public final class CrashHost {
  private CrashHost() {}

  /** {@code signals}: where the step leaves its pid and the test its go-ahead for the re-run. */
  static Pipeline pipeline(Path signals) {
    String at = "'" + signals + "/";
    return Pipeline.builder("crashy")
        .stage("prepare", s -> s.outputs("token").run("seq 1 100; echo token=abc >> \"$PIPELINE_OUTPUT\""))
        .stage("work", s -> s.needs("prepare")
            .run("if [ -f " + at + "resume' ]; then echo resumed with ${{ stages.prepare.outputs.token }}; exit 0; fi;"
                + " i=0; while [ $i -lt 50 ]; do echo line-$i; i=$((i+1)); done; echo $$ > " + at + "work.pid'; echo ready; sleep 600"))
        .build();
  }

  public static void main(String[] args) throws Exception {
    PipelineExecutor executor = PipelineExecutor.builder().dataDirectory(Path.of(args[0])).build();
    Path signals = java.nio.file.Files.createDirectories(Path.of(args[0]).resolve("signals"));
    Execution e = executor.execute(pipeline(signals));
    e.subscribe(event -> {
      if (event instanceof LogAppended l && l.line().text().equals("ready")) {
        System.out.println("READY " + e.id());
        System.out.flush();
      }
    });
    e.completion().join();
  }
}
