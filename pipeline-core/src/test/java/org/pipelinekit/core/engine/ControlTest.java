package org.pipelinekit.core.engine;

import org.pipelinekit.core.run.ExecutionEvent;
import org.pipelinekit.core.run.ExecutionStatus;
import org.pipelinekit.core.run.ExecutionTrigger;
import org.pipelinekit.core.run.LogLine;
import org.pipelinekit.core.run.StageStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.pipelinekit.core.engine.EngineTesting.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pipelinekit.core.PipelineException;
import org.pipelinekit.core.run.ExecutionEvent.ApprovalRequested;
import org.pipelinekit.core.run.ExecutionEvent.ExecutionQueued;
import org.pipelinekit.core.run.ExecutionEvent.JobRetrying;
import org.pipelinekit.core.run.ExecutionEvent.JobStarted;
import org.pipelinekit.core.run.ExecutionEvent.LogAppended;
import org.pipelinekit.core.model.Concurrency;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.core.model.RetryOn;
import org.pipelinekit.core.secret.EncryptedFileSecretStore;

/** Retries, timeouts, cancellation, approvals, concurrency groups and secrets, with real processes. */
class ControlTest {
  @TempDir Path dir;
  PipelineExecutor executor;
  EncryptedFileSecretStore secrets;

  @BeforeEach
  void open() {
    byte[] key = new byte[32];
    new java.security.SecureRandom().nextBytes(key);
    secrets = new EncryptedFileSecretStore(dir.resolve("secrets.bin"), key);
    executor = PipelineExecutor.builder().dataDirectory(dir).maxParallelJobs(4).cancelGracePeriod(Duration.ofMillis(500))
        .secrets(secrets).build();
  }

  /** Where a test and its steps leave each other files (pids, go-ahead markers): jobs run in workspaces of their own. */
  Path signals() {
    try {
      return Files.createDirectories(dir.resolve("signals"));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @AfterEach
  void close() {
    executor.close();
  }

  @Test
  void retriesOnlyTheListedExitCodes() throws Exception {
    Pipeline p = Pipeline.builder("codes")
        .stage("a", s -> s.retry(r -> r.limit(3).on(RetryOn.EXIT_CODE).exitCodes(75).noBackoff()).run("exit 2"))
        .build();
    ExecutionSnapshot done = await(executor.execute(p));
    assertThat(done.stage("a").attempts()).isEqualTo(1);
    assertThat(done.stage("a").status()).isEqualTo(StageStatus.FAILED);
  }

  @Test
  void cancelEndsATreeThatTrapsTermAndLeavesNoProcess() throws Exception {
    EngineTesting.Recorder rec = new EngineTesting.Recorder();
    Pipeline p = Pipeline.builder("cancel")
        .stage("stubborn", s -> s.run("cd '" + signals() + "'; trap '' TERM; (trap '' TERM; sleep 120) & echo $! > pids; sleep 120 & echo $! >> pids;"
            + " echo $$ >> pids; echo started; wait"))
        .stage("after", s -> s.needs("stubborn").run("true"))
        .build();
    Execution e = executor.execute(p, ExecutionTrigger.manual(), Map.of(), rec);
    rec.waitFor(ev -> ev instanceof LogAppended l && l.line().text().equals("started"));
    List<Long> pids = Files.readAllLines(signals().resolve("pids")).stream().map(String::strip).map(Long::parseLong).toList();
    e.cancel("stop it");
    ExecutionSnapshot done = await(e); // the tree sleeps 120 s and traps TERM: ending at all means the KILL after the grace came
    assertThat(done.status()).isEqualTo(ExecutionStatus.CANCELLED);
    assertThat(done.stage("stubborn").status()).isEqualTo(StageStatus.CANCELLED);
    assertThat(done.stage("after").status()).isEqualTo(StageStatus.CANCELLED);
    for (long pid : pids) {
      ProcessHandle.of(pid).ifPresent(h -> h.onExit().orTimeout(5, TimeUnit.SECONDS).join());
      assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("pid %d alive", pid).isFalse();
    }
  }

  @Test
  void approvalWaitsForAnAllowedApprover() throws Exception {
    EngineTesting.Recorder rec = new EngineTesting.Recorder();
    Pipeline p = Pipeline.builder("approve")
        .stage("build", s -> s.run("true"))
        .stage("deploy", s -> s.needs("build").approval(a -> a.approvers("team-leads")).run("echo deploying"))
        .build();
    Execution e = executor.execute(p, ExecutionTrigger.manual(), Map.of(), rec);
    rec.waitFor(ev -> ev instanceof ApprovalRequested);
    assertThat(e.stage("deploy").status()).isEqualTo(StageStatus.WAITING_APPROVAL);
    assertThatThrownBy(() -> executor.approve(e.id(), "deploy", Principal.of("mallory", "devs")))
        .isInstanceOf(PipelineException.class).hasMessage("mallory may not approve stage 'deploy'; approvers are [team-leads]");
    executor.approve(e.id(), "deploy", Principal.of("alice", "team-leads"));
    ExecutionSnapshot done = await(e);
    assertThat(done.stage("deploy").status()).isEqualTo(StageStatus.SUCCEEDED);
    assertThat(rec.of(ExecutionEvent.ApprovalDecided.class)).singleElement()
        .satisfies(d -> assertThat(d.principal()).isEqualTo("alice"));
  }

  @Test
  void rejectionFailsTheStage() throws Exception {
    EngineTesting.Recorder rec = new EngineTesting.Recorder();
    Pipeline p = Pipeline.builder("reject").stage("deploy", s -> s.approval(a -> a.approvers("bob")).run("echo no")).build();
    Execution e = executor.execute(p, ExecutionTrigger.manual(), Map.of(), rec);
    rec.waitFor(ev -> ev instanceof ApprovalRequested);
    executor.reject(e.id(), "deploy", Principal.of("bob"), "not today");
    ExecutionSnapshot done = await(e);
    assertThat(done.stage("deploy").status()).isEqualTo(StageStatus.FAILED);
    assertThat(done.stage("deploy").reason()).contains("rejected by bob: not today");
    assertThatThrownBy(() -> executor.approve(e.id(), "deploy", Principal.of("bob"))).hasMessageContaining("has finished");
  }

  @Test
  void concurrencyGroupCancelsTheRunningExecution() throws Exception {
    Pipeline p = Pipeline.builder("deploy").concurrency("deploy-${{ branch }}", true)
        .stage("deploy", s -> s.run("echo started; sleep 60")).build();
    EngineTesting.Recorder rec = new EngineTesting.Recorder();
    Execution first = executor.execute(p, ExecutionTrigger.manual().branch("main"), Map.of(), rec);
    rec.waitFor(ev -> ev instanceof LogAppended l && l.line().text().equals("started"));
    Pipeline quick = p.toBuilder().clearStages().stage(org.pipelinekit.core.model.Stage.builder("deploy").run("echo second").build()).build();
    Execution second = executor.execute(quick, ExecutionTrigger.manual().branch("main"), Map.of());
    assertThat(await(first).status()).isEqualTo(ExecutionStatus.CANCELLED);
    assertThat(await(first).reason()).contains("cancelled by " + second.id() + " in concurrency group 'deploy-main'");
    assertThat(await(second).status()).isEqualTo(ExecutionStatus.SUCCEEDED);
  }

  @Test
  void concurrencyGroupQueuesWithoutCancelInProgress() throws Exception {
    Pipeline p = Pipeline.builder("queue").concurrency(new Concurrency("one-at-a-time", false, Optional.of(5)))
        .stage("work", s -> s.run("sleep 0.4")).build();
    Execution a = executor.execute(p);
    Execution b = executor.execute(p);
    EngineTesting.Recorder rec = new EngineTesting.Recorder();
    b.subscribe(rec);
    ExecutionSnapshot first = await(a);
    ExecutionSnapshot second = await(b);
    assertThat(second.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(rec.of(ExecutionQueued.class)).singleElement().satisfies(q -> assertThat(q.concurrencyGroup()).contains("one-at-a-time"));
    assertThat(second.startedAt().get()).isAfterOrEqualTo(first.finishedAt().get());
  }

  @Test
  void aFullConcurrencyQueueSupersedesItsOldestPendingExecution() throws Exception {
    Pipeline p = Pipeline.builder("busy").concurrency(new Concurrency("single", false, Optional.of(1)))
        .stage("work", s -> s.run("sleep 0.5")).build();
    Execution running = executor.execute(p);
    Execution pending = executor.execute(p);
    Execution newest = executor.execute(p);
    ExecutionSnapshot superseded = await(pending);
    assertThat(superseded.status()).isEqualTo(ExecutionStatus.CANCELLED);
    assertThat(superseded.reason()).contains("superseded by " + newest.id() + " in concurrency group 'single'");
    assertThat(await(running).status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(await(newest).status()).isEqualTo(ExecutionStatus.SUCCEEDED);
  }

  @Test
  void perPipelineLimitKeepsOnePipelineFromTakingEverySlot() throws Exception {
    try (PipelineExecutor limited = PipelineExecutor.builder().dataDirectory(dir.resolve("limited")).maxParallelJobs(4)
        .maxParallelJobsPerPipeline(1).build()) {
      Pipeline wide = Pipeline.builder("wide").stage("a", s -> s.run("sleep 0.3")).stage("b", s -> s.run("sleep 0.3")).build();
      Pipeline other = Pipeline.builder("other").stage("c", s -> s.run("sleep 0.3")).build();
      Execution w = limited.execute(wide);
      Execution o = limited.execute(other);
      ExecutionSnapshot wd = await(w);
      ExecutionSnapshot od = await(o);
      JobRun a = wd.stage("a").jobs().get(0);
      JobRun b = wd.stage("b").jobs().get(0);
      boolean serial = !a.startedAt().get().isBefore(b.finishedAt().get()) || !b.startedAt().get().isBefore(a.finishedAt().get());
      assertThat(serial).as("a and b of one pipeline never hold slots at once").isTrue();
      JobRun c = od.stage("c").jobs().get(0);
      assertThat(c.startedAt().get()).isBefore(a.finishedAt().get().isAfter(b.finishedAt().get()) ? a.finishedAt().get() : b.finishedAt().get());
    }
  }

  @Test
  void secretsAreMaskedInLogsEventsAndStoredFiles_andReadsAreAudited() throws Exception {
    String secret = "s3cr3t-Token/with+chars";
    secrets.put("API_TOKEN", secret);
    EngineTesting.Recorder rec = new EngineTesting.Recorder();
    Pipeline p = Pipeline.builder("secrets")
        .stage("use", s -> s.env("TOKEN", "${{ secrets.API_TOKEN }}").outputs("leak")
            .run("echo plain $TOKEN; echo b64 $(printf %s \"$TOKEN\" | base64); echo url s3cr3t-Token%2Fwith%2Bchars;"
                + " echo leak=$TOKEN >> \"$PIPELINE_OUTPUT\"; exit 3"))
        .build();
    Execution e = executor.execute(p, ExecutionTrigger.manual(), Map.of(), rec);
    ExecutionSnapshot done = await(e);
    rec.waitFor(ev -> ev instanceof ExecutionEvent.ExecutionFinished);
    String b64 = Base64.getEncoder().encodeToString(secret.getBytes());
    assertThat(rec.log("use")).contains("plain ***", "b64 ***", "url ***");
    assertThat(rec.events.toString()).doesNotContain(secret).doesNotContain(b64);
    assertThat(done.stage("use").outputs()).containsEntry("leak", "***");
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.filter(Files::isRegularFile).filter(f -> !f.toString().contains("workspace")).toList()) {
        String content = new String(Files.readAllBytes(f), java.nio.charset.StandardCharsets.ISO_8859_1);
        assertThat(content).as("file %s", f).doesNotContain(secret).doesNotContain(b64);
      }
    }
    assertThat(executor.secretReads()).singleElement().satisfies(r -> {
      assertThat(r.secret()).isEqualTo("API_TOKEN");
      assertThat(r.executionId()).isEqualTo(e.id());
      assertThat(r.stageId()).isEqualTo("use");
    });
  }

  @Test
  void secretsAreMaskedAsPythonNodeAndTheShellPrintThem_andInEveryEvent() throws Exception {
    String secret = "tok~en*with  two spaces!";
    secrets.put("API_TOKEN", secret);
    EngineTesting.Recorder rec = new EngineTesting.Recorder();
    Pipeline p = Pipeline.builder("leaks")
        .stage("use", s -> s.env("TOKEN", "${{ secrets.API_TOKEN }}")
            .run("python3 -c 'import os, urllib.parse as u; t = os.environ[\"TOKEN\"]; print(\"py\", u.quote(t, safe=\"\"), u.quote_plus(t), u.quote(t))'")
            .run("node -e 'console.log(\"js\", encodeURIComponent(process.env.TOKEN))'")
            .run("set -x; echo shell ${{ secrets.API_TOKEN }}; exit 3"))
        .build();
    ExecutionSnapshot done = await(executor.execute(p, ExecutionTrigger.manual(), Map.of(), rec));
    rec.waitFor(ev -> ev instanceof ExecutionEvent.ExecutionFinished);
    assertThat(done.status()).isEqualTo(ExecutionStatus.FAILED);
    List<String> log = rec.log("use");
    assertThat(log).anySatisfy(l -> assertThat(l).startsWith("py ***"));
    assertThat(log).anySatisfy(l -> assertThat(l).isEqualTo("js ***"));
    assertThat(log).anySatisfy(l -> assertThat(l).startsWith("shell ***"));
    String everything = String.join("\n", log) + rec.events + done;
    for (String piece : new String[] {"tok~en", "tok%7Een", "tok~en%2Awith", "two", "spaces!", "en*with"}) {
      assertThat(everything).as(piece).doesNotContain(piece);
    }
    assertThat(done.stage("use").reason().orElse("")).doesNotContain("tok");
  }

  @Test
  void theDataDirectory_isReadableByItsOwnerOnly() throws Exception {
    secrets.put("API_TOKEN", "owner-only-secret");
    Pipeline p = Pipeline.builder("private").stage("use", s -> s.env("T", "${{ secrets.API_TOKEN }}").run("echo $T; echo made > file"))
        .build();
    assertThat(await(executor.execute(p, ExecutionTrigger.manual(), Map.of())).status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    Path runs = dir.resolve("runs");
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path f : all.filter(f -> !f.startsWith(runs) || f.getNameCount() <= runs.getNameCount() + 1).toList()) {
        if (f.equals(dir)) continue; // the test's own temporary directory
        String mode = java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(f));
        assertThat(mode.substring(3)).as("%s is %s", dir.relativize(f), mode).isEqualTo("------");
      }
    }
  }

  @Test
  void aRerunFromOneStage_runsTheSiblingsThatNeverFinished_andSucceedsOnlyWhenTheyDo() throws Exception {
    EngineTesting.Recorder rec = new EngineTesting.Recorder();
    Pipeline p = Pipeline.builder("siblings")
        .stage("a", s -> s.run("echo a"))
        .stage("b", s -> s.needs("a").run("[ -f '" + signals() + "/go' ] || sleep 600; echo b"))
        .stage("c", s -> s.needs("a").run("[ -f '" + signals() + "/go' ] || sleep 600; echo c"))
        .stage("d", s -> s.needs("a").run("[ -f '" + signals() + "/go' ] || sleep 600; echo d"))
        .build();
    Execution first = executor.execute(p, ExecutionTrigger.manual(), Map.of(), rec);
    for (String stage : List.of("b", "c", "d")) {
      rec.waitFor(ev -> ev instanceof JobStarted j && j.stageId().equals(stage));
    }
    first.cancel("the host went down");
    ExecutionSnapshot cancelled = await(first);
    assertThat(cancelled.stage("c").status()).isEqualTo(StageStatus.CANCELLED);
    Files.writeString(signals().resolve("go"), "");

    ExecutionSnapshot again = await(executor.rerun(first.id(), "b"));
    assertThat(again.stage("a").reusedFrom()).contains(first.id());
    assertThat(again.stage("c").status()).as("a sibling that never finished runs again").isEqualTo(StageStatus.SUCCEEDED);
    assertThat(again.stage("d").status()).isEqualTo(StageStatus.SUCCEEDED);
    assertThat(again.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
  }

  @Test
  void rerunFailed_runsOnlyTheFailedStagesAndWhatFollowsThem_andRefusesARunWithNothingFailed() throws Exception {
    Path flag = signals().resolve("fixed");
    Pipeline p = Pipeline.builder("two-breaks")
        .stage("ok", s -> s.run("echo ok"))
        .stage("lint", s -> s.needs("ok").run("[ -f '" + flag + "' ] || exit 2; echo linted"))
        .stage("unit", s -> s.needs("ok").run("[ -f '" + flag + "' ] || exit 3; echo tested"))
        .stage("docs", s -> s.needs("ok").run("echo docs"))
        .stage("package", s -> s.needs("lint", "unit").run("echo packaged"))
        .build();
    ExecutionSnapshot first = await(executor.execute(p, ExecutionTrigger.manual(), Map.of()));
    assertThat(first.stage("lint").status()).isEqualTo(StageStatus.FAILED);
    Files.writeString(flag, "");

    ExecutionSnapshot again = await(executor.rerunFailed(first.id()));
    assertThat(again.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(again.stage("ok").reusedFrom()).as("it succeeded: kept").contains(first.id());
    assertThat(again.stage("docs").reusedFrom()).as("it succeeded: kept").contains(first.id());
    assertThat(again.stage("lint").reusedFrom()).isEmpty();
    assertThat(again.stage("unit").reusedFrom()).as("every failed stage runs again, not only the first").isEmpty();
    assertThat(again.stage("package").status()).isEqualTo(StageStatus.SUCCEEDED);
    assertThatThrownBy(() -> executor.rerunFailed(again.id())).isInstanceOfSatisfying(PipelineException.class, e -> {
      assertThat(e.code()).isEqualTo("NOTHING_FAILED");
      assertThat(e.getMessage()).contains("has no failed stage to run again");
    });
  }

  @Test
  void closingTheExecutorWithAStepRunning_endsTheStepAndTheExecution() throws Exception {
    EngineTesting.Recorder rec = new EngineTesting.Recorder();
    Pipeline p = Pipeline.builder("long").stage("wait", s -> s.run("echo $$ > '" + signals() + "/step.pid'; echo started; sleep 600")).build();
    Execution e = executor.execute(p, ExecutionTrigger.manual(), Map.of(), rec);
    rec.waitFor(ev -> ev instanceof LogAppended l && l.line().text().equals("started"));
    long pid = Long.parseLong(Files.readString(signals().resolve("step.pid")).strip());
    executor.close();
    assertThat(e.completion()).isDone();
    assertThat(e.completion().join().status()).isEqualTo(ExecutionStatus.CANCELLED);
    ProcessHandle.of(pid).ifPresent(h -> h.onExit().orTimeout(10, TimeUnit.SECONDS).join());
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).isNotEqualTo(Optional.of(true));
    executor.close(); // a second close does nothing
  }

  @Test
  void twoRunnersOrInterceptorsWithOneId_areRefusedAtBuild_namingBoth() {
    var one = new org.pipelinekit.core.runner.LocalProcessRunner();
    var two = new org.pipelinekit.core.runner.LocalProcessRunner();
    try {
      assertThatThrownBy(() -> PipelineExecutor.builder().runner(one).runner(two).build()).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("two runners have the id 'local'").hasMessageContaining("LocalProcessRunner and ");
      org.pipelinekit.core.spi.StepInterceptor a = new org.pipelinekit.core.spi.StepInterceptor() {
        @Override public String id() { return "audit"; }
        @Override public java.util.concurrent.CompletionStage<org.pipelinekit.core.spi.StepExit> intercept(Chain chain) { return chain.proceed(); }
      };
      assertThatThrownBy(() -> PipelineExecutor.builder().interceptor(a).interceptor(a).build())
          .hasMessageContaining("two interceptors have the id 'audit'");
      org.pipelinekit.core.spi.JobInterceptor job = new org.pipelinekit.core.spi.JobInterceptor() {
        @Override public String id() { return "audit"; }
        @Override public java.util.concurrent.CompletionStage<org.pipelinekit.core.spi.JobExit> intercept(Chain chain) { return chain.proceed(); }
      };
      assertThatThrownBy(() -> PipelineExecutor.builder().interceptor(job).interceptor(a).build()) // one id across both chains
          .hasMessageContaining("two interceptors have the id 'audit'");
    } finally {
      one.close();
      two.close();
    }
  }
}
