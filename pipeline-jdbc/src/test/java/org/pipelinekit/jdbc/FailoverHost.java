package org.pipelinekit.jdbc;

import java.nio.file.Files;
import java.nio.file.Path;
import org.pipelinekit.core.engine.Execution;
import org.pipelinekit.core.engine.PipelineExecutor;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.core.run.ExecutionEvent.LogAppended;

/** A host JVM for FailoverTest to kill: on the database named in args[0], runs a pipeline and says READY once its long stage ran a while. */
public final class FailoverHost {
  private FailoverHost() {}

  /** {@code signals}: where the long step leaves its pid and waits for the go-ahead of the second attempt. */
  static Pipeline pipeline(Path signals) {
    String at = "'" + signals + "/";
    return Pipeline.builder("failover")
        .stage("prepare", s -> s.outputs("token").run("echo prepared; echo token=abc >> \"$PIPELINE_OUTPUT\""))
        .stage("work", s -> s.needs("prepare").retry(r -> r.limit(0))
            .run("if [ \"$PIPELINE_ATTEMPT\" = 2 ]; then echo attempt two with ${{ stages.prepare.outputs.token }}; exit 0; fi;"
                + " i=0; while [ $i -lt 20 ]; do echo line-$i; i=$((i+1)); done; echo $$ > " + at + "work.pid'; echo ready; sleep 600"))
        .stage("after", s -> s.needs("work").run("echo after"))
        .build();
  }

  public static void main(String[] args) throws Exception {
    JdbcStores db = JdbcStores.open(args[0], args[1], "");
    Path signals = Files.createDirectories(Path.of(args[2]));
    PipelineExecutor executor = PipelineExecutor.builder().executionStore(db.executions()).logStore(db.logs()).controlChannel(db.control())
        .runDirectory(Path.of(args[2]).resolve("runs-a")).build();
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
