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
    return PipelineExecutor.builder().executionStore(db.executions()).logStore(db.logs()).controlChannel(db.control())
        .concurrencyLedger(db.concurrencyLedger()).runDirectory(runs).build();
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
  void aHostThatRunsNoneOfARunsJobs_streamsItsLogAndEventsLive_inOrder_toTheEnd() throws Exception {
    JdbcStores a = stores.fresh();
    JdbcStores b = stores.again();
    java.nio.file.Path go = dir.resolve("go");
    Pipeline p = Pipeline.builder("tailed").stage("talk", s -> s.run("echo one; echo two; echo three; while [ ! -f '" + go
        + "' ]; do sleep 0.02; done; echo four; echo five")).build();
    try (PipelineExecutor hostA = host(a, dir.resolve("a")); PipelineExecutor hostB = host(b, dir.resolve("b"))) {
      java.util.concurrent.CompletableFuture<Void> third = new java.util.concurrent.CompletableFuture<>();
      Execution e = hostA.execute(p, ExecutionTrigger.manual(), Map.of(), ev -> {
        if (ev instanceof org.pipelinekit.core.run.ExecutionEvent.LogAppended l && l.line().text().equals("three")) third.complete(null);
      });
      third.get(60, java.util.concurrent.TimeUnit.SECONDS);
      Execution seenByB = hostB.execution(e.id()).orElseThrow();
      List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
      java.util.concurrent.CompletableFuture<Void> logEnded = new java.util.concurrent.CompletableFuture<>();
      List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();
      java.util.concurrent.CompletableFuture<Void> finished = new java.util.concurrent.CompletableFuture<>();
      try (var follow = seenByB.logs().follow("talk", 1, l -> lines.add(l.text()), () -> logEnded.complete(null));
          var sub = seenByB.subscribe(1, ev -> {
            events.add(ev.getClass().getSimpleName());
            if (ev instanceof org.pipelinekit.core.run.ExecutionEvent.ExecutionFinished) finished.complete(null);
          })) {
        java.nio.file.Files.writeString(go, ""); // the rest is written after host b began to follow
        logEnded.get(60, java.util.concurrent.TimeUnit.SECONDS);
        finished.get(60, java.util.concurrent.TimeUnit.SECONDS);
      }
      assertThat(lines).containsExactly("▶ echo one; echo two; echo three; while [ ! -f '" + go + "' ]; do sleep 0.02; done; echo four; echo five",
          "one", "two", "three", "four", "five");
      assertThat(events).startsWith("ExecutionStarted", "StageStarted").endsWith("ExecutionFinished");
    }
  }

  @Test
  void aStageWaitingOnHostA_isApprovedThroughHostB_aRefusalComesBackSaying_andACancelThroughBReachesA() throws Exception {
    JdbcStores a = stores.fresh();
    JdbcStores b = stores.again();
    Pipeline gated = Pipeline.builder("gated").stage("deploy", s -> s.approval(x -> x.approvers("ops")).run("echo deployed")).build();
    Pipeline slow = Pipeline.builder("slow").stage("wait", s -> s.run("echo started; sleep 600")).build();
    try (PipelineExecutor hostA = host(a, dir.resolve("a")); PipelineExecutor hostB = host(b, dir.resolve("b"))) {
      java.util.concurrent.CompletableFuture<Void> waiting = new java.util.concurrent.CompletableFuture<>();
      Execution e = hostA.execute(gated, ExecutionTrigger.manual(), Map.of(), ev -> {
        if (ev instanceof org.pipelinekit.core.run.ExecutionEvent.ApprovalRequested) waiting.complete(null);
      });
      waiting.get(60, java.util.concurrent.TimeUnit.SECONDS);
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> hostB.approve(e.id(), "deploy", org.pipelinekit.core.engine.Principal.of("mallory")))
          .isInstanceOf(org.pipelinekit.core.PipelineException.class).hasMessage("mallory may not approve stage 'deploy'; approvers are [ops]")
          .satisfies(x -> assertThat(((org.pipelinekit.core.PipelineException) x).code()).isEqualTo("APPROVAL_FORBIDDEN"));
      hostB.approve(e.id(), "deploy", org.pipelinekit.core.engine.Principal.of("olga", "ops"));
      ExecutionSnapshot done = e.completion().get(60, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(done.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
      assertThat(hostB.execution(e.id()).orElseThrow().logs().read("deploy", 1, 10)).extracting(LogLine::text).contains("deployed");

      java.util.concurrent.CompletableFuture<Void> started = new java.util.concurrent.CompletableFuture<>();
      Execution running = hostA.execute(slow, ExecutionTrigger.manual(), Map.of(), ev -> {
        if (ev instanceof org.pipelinekit.core.run.ExecutionEvent.LogAppended l && l.line().text().equals("started")) started.complete(null);
      });
      started.get(60, java.util.concurrent.TimeUnit.SECONDS);
      hostB.cancel(running.id(), "stopped from host b");
      ExecutionSnapshot cancelled = running.completion().get(60, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(cancelled.status()).isEqualTo(ExecutionStatus.CANCELLED);
      assertThat(cancelled.reason()).contains("stopped from host b");
    }
  }

  private static java.util.concurrent.CompletableFuture<Void> onLine(PipelineExecutor host, Pipeline p, String line, Execution[] started) {
    java.util.concurrent.CompletableFuture<Void> seen = new java.util.concurrent.CompletableFuture<>();
    started[0] = host.execute(p, ExecutionTrigger.manual().branch("main"), Map.of(), ev -> {
      if (ev instanceof org.pipelinekit.core.run.ExecutionEvent.LogAppended l && l.line().text().equals(line)) seen.complete(null);
    });
    return seen;
  }

  @Test
  void aConcurrencyGroupHoldsAcrossHosts_theNextWaitsOnTheOtherHost_andCancelInProgressReachesIt() throws Exception {
    JdbcStores a = stores.fresh();
    JdbcStores b = stores.again();
    java.nio.file.Path go = dir.resolve("go");
    Pipeline queued = Pipeline.builder("deploy").concurrency("deploy-${{ branch }}", false)
        .stage("ship", s -> s.run("echo shipping; while [ ! -f '" + go + "' ]; do sleep 0.02; done; echo shipped")).build();
    try (PipelineExecutor hostA = host(a, dir.resolve("a")); PipelineExecutor hostB = host(b, dir.resolve("b"))) {
      Execution[] first = new Execution[1];
      onLine(hostA, queued, "shipping", first).get(60, java.util.concurrent.TimeUnit.SECONDS);
      java.util.concurrent.CompletableFuture<Void> waits = new java.util.concurrent.CompletableFuture<>();
      Execution second = hostB.execute(queued, ExecutionTrigger.manual().branch("main"), Map.of(), ev -> {
        if (ev instanceof org.pipelinekit.core.run.ExecutionEvent.ExecutionQueued) waits.complete(null);
      });
      waits.get(60, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(second.snapshot().stage("ship").status()).as("it waits for host a's run").isEqualTo(org.pipelinekit.core.run.StageStatus.PENDING);
      java.nio.file.Files.writeString(go, "");
      assertThat(first[0].completion().get(60, java.util.concurrent.TimeUnit.SECONDS).status()).isEqualTo(ExecutionStatus.SUCCEEDED);
      ExecutionSnapshot next = second.completion().get(60, java.util.concurrent.TimeUnit.SECONDS); // host a's end started it on host b
      assertThat(next.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
      assertThat(next.stage("ship").startedAt().orElseThrow()).isAfterOrEqualTo(first[0].snapshot().finishedAt().orElseThrow());

      Pipeline cancelling = Pipeline.builder("preview").concurrency("preview", true).stage("serve", s -> s.run("echo serving; sleep 600")).build();
      Execution[] old = new Execution[1];
      onLine(hostA, cancelling, "serving", old).get(60, java.util.concurrent.TimeUnit.SECONDS);
      Execution[] newer = new Execution[1];
      onLine(hostB, cancelling, "serving", newer).get(60, java.util.concurrent.TimeUnit.SECONDS);
      ExecutionSnapshot cancelled = old[0].completion().get(60, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(cancelled.status()).isEqualTo(ExecutionStatus.CANCELLED);
      assertThat(cancelled.reason()).contains("cancelled by " + newer[0].id() + " in concurrency group 'preview'");
      hostB.cancel(newer[0].id(), "done");
    }
  }

  @Test
  void aHostThatStartsWhileAnotherRuns_leavesTheOthersRunsAlone() throws Exception {
    JdbcStores a = stores.fresh();
    java.nio.file.Path go = dir.resolve("go");
    Pipeline p = Pipeline.builder("busy").stage("work", s -> s.run("echo working; while [ ! -f '" + go + "' ]; do sleep 0.02; done")).build();
    try (PipelineExecutor hostA = host(a, dir.resolve("a"))) {
      Execution[] running = new Execution[1];
      onLine(hostA, p, "working", running).get(60, java.util.concurrent.TimeUnit.SECONDS);
      try (PipelineExecutor hostB = host(stores.again(), dir.resolve("b"))) { // asks who runs the unfinished executions first
        assertThat(hostB.execution(running[0].id()).orElseThrow().snapshot().status()).isEqualTo(ExecutionStatus.RUNNING);
      }
      java.nio.file.Files.writeString(go, "");
      assertThat(running[0].completion().get(60, java.util.concurrent.TimeUnit.SECONDS).status()).isEqualTo(ExecutionStatus.SUCCEEDED);
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
