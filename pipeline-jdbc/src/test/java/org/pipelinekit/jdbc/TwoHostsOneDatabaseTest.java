package org.pipelinekit.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pipelinekit.core.engine.Execution;
import org.pipelinekit.core.engine.ExecutionSnapshot;
import org.pipelinekit.core.engine.PipelineExecutor;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.core.run.ExecutionStatus;
import org.pipelinekit.core.run.ExecutionTrigger;
import org.pipelinekit.core.run.LogLine;
import org.pipelinekit.core.service.PipelineService;

/** Two executors (two hosts) on one PostgreSQL database: each sees the other's pipelines, executions and logs. */
class TwoHostsOneDatabaseTest {
  @TempDir Path dir;
  private final OpenedStores stores = new OpenedStores();

  @AfterEach
  void closePools() {
    stores.closeAll();
  }

  private static PipelineExecutor host(JdbcStores db, Path runs) {
    return PipelineExecutor.builder().executionStore(db.executions()).logStore(db.logs()).runDirectory(runs).build();
  }

  @Test
  void whatOneHostSavesAndRunsTheOtherReads_andExecutionNumbersNeverRepeat() throws Exception {
    JdbcStores a = stores.fresh();
    JdbcStores b = stores.again();
    Pipeline p = Pipeline.builder("shared").stage("build", s -> s.artifacts(x -> x.path("out.txt")).run("echo built > out.txt; echo from host"))
        .stage("test", s -> s.needs("build").run("cat out.txt")).build();
    PipelineService.builder().store(a.pipelines()).build().create(p);
    assertThat(b.pipelines().list()).extracting(Pipeline::id).containsExactly("shared");

    try (PipelineExecutor hostA = host(a, dir.resolve("a")); PipelineExecutor hostB = host(b, dir.resolve("b"))) {
      Execution first = hostA.execute(b.pipelines().find("shared").orElseThrow(), ExecutionTrigger.manual().branch("main"), Map.of());
      Execution second = hostB.execute(a.pipelines().find("shared").orElseThrow(), ExecutionTrigger.manual().branch("main"), Map.of());
      ExecutionSnapshot one = first.completion().get();
      ExecutionSnapshot two = second.completion().get();
      assertThat(List.of(one.status(), two.status())).containsOnly(ExecutionStatus.SUCCEEDED);
      assertThat(List.of(one.header().number(), two.header().number())).containsExactlyInAnyOrder(1L, 2L);

      // host B reads host A's execution from the database: its journal folded, its logs line by line
      ExecutionSnapshot seenByB = hostB.execution(first.id()).orElseThrow().snapshot();
      assertThat(seenByB.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
      assertThat(seenByB.stage("test").status()).isEqualTo(one.stage("test").status());
      assertThat(hostB.execution(first.id()).orElseThrow().logs().read("test", 1, 100)).extracting(LogLine::text).contains("built");
      assertThat(hostB.executions("shared", 10)).extracting(ExecutionSnapshot::id).containsExactlyInAnyOrder(first.id(), second.id());
    }
  }

  @Test
  void anExecutionAHostLeftRunning_isInterruptedWhenAHostStarts_withItsLogs() throws Exception {
    JdbcStores a = stores.fresh();
    Pipeline p = Pipeline.builder("long").stage("wait", s -> s.run("echo started; sleep 600")).build();
    PipelineExecutor hostA = host(a, dir.resolve("a"));
    java.util.concurrent.CompletableFuture<Void> started = new java.util.concurrent.CompletableFuture<>();
    Execution e = hostA.execute(p, ExecutionTrigger.manual(), Map.of(), ev -> {
      if (ev instanceof org.pipelinekit.core.run.ExecutionEvent.LogAppended l && l.line().text().equals("started")) started.complete(null);
    });
    String id = e.id();
    started.get(60, java.util.concurrent.TimeUnit.SECONDS); // stored before it was published
    // a host that stops without ending its runs: its stores go first, as when its process is killed
    a.close();
    hostA.close();
    JdbcStores b = stores.again();
    try (PipelineExecutor hostB = host(b, dir.resolve("b"))) {
      ExecutionSnapshot s = hostB.execution(id).orElseThrow().snapshot();
      assertThat(s.status()).isEqualTo(ExecutionStatus.INTERRUPTED);
      assertThat(hostB.execution(id).orElseThrow().logs().read("wait", 1, 10)).extracting(LogLine::text).contains("started");
    }
  }
}
