package org.pipelinekit.core.runner;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.pipelinekit.core.spi.Runner;

class LocalProcessRunnerTest extends RunnerCompatibilityKit {
  @Override
  protected Runner createRunner() {
    return new LocalProcessRunner();
  }

  /** A host that died without closing its runner left its outputs directory: a runner on the machine removes it, never a live one's. */
  @Test
  void theOutputsDirectoryOfAHostThatDiedIsRemoved_aLiveHostsIsKept() throws Exception {
    Process dead = new ProcessBuilder("true").start();
    dead.waitFor();
    java.nio.file.Path tmp = java.nio.file.Path.of(System.getProperty("java.io.tmpdir"));
    // made whole, then put in place (the runner this test class opens sweeps as it starts, maybe right now)
    java.nio.file.Path staged = Files.createDirectory(workdir.resolve("staged"));
    Files.writeString(staged.resolve("1.out"), "version=1\n");
    java.nio.file.Path left = Files.move(staged, tmp.resolve("pipelinekit-outputs-" + dead.pid() + "-1234"));
    java.nio.file.Path live = Files.createDirectory(tmp.resolve("pipelinekit-outputs-" + ProcessHandle.current().pid() + "-5678"));
    try {
      LocalProcessRunner.removeOutputsOfDeadHosts(); // (what each runner does on its timer thread as it starts)
      assertThat(left).as("the dead host's outputs directory").doesNotExist();
      assertThat(live).as("this live host's").isDirectory();
    } finally {
      Files.deleteIfExists(live);
    }
  }

  @Test
  void processesLeftInTheBackgroundAreKilledWhenTheStepEnds() throws Exception {
    Result r = run("sleep 120 & echo $! > bg; echo done", Map.of()); // run()'s 60 s guard: the 120 s sleep must not hold the step
    assertThat(r.lines()).containsExactly("done");
    long pid = Long.parseLong(Files.readString(workdir.resolve("bg")).strip());
    assertThat(allGone(List.of(pid))).isTrue();
  }

  @Test
  void processesLeftInTheBackgroundWithoutTheOutputAreKilledToo() throws Exception {
    Result r = run("sleep 120 > /dev/null 2>&1 & echo $! > bg; echo done", Map.of());
    assertThat(r.lines()).containsExactly("done");
    long pid = Long.parseLong(Files.readString(workdir.resolve("bg")).strip());
    assertThat(allGone(List.of(pid))).isTrue();
  }

  @Test
  void cancel_endsADaemonThatLeftTheStepsSessionWithADoubleFork() throws Exception {
    java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
    var step = runner.start(request("(setsid sh -c 'echo $$ > escaped.tmp; mv escaped.tmp escaped; exec sleep 600' &);"
        + " while [ ! -f escaped ]; do sleep 0.05; done; echo started; sleep 600", Map.of()), line -> {
          if (line.equals("started")) started.countDown();
        });
    assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
    long daemon = Long.parseLong(Files.readString(workdir.resolve("escaped")).strip());
    ProcessHandle h = ProcessHandle.of(daemon).orElseThrow();
    assertThat(h.parent().map(ProcessHandle::pid)).as("reparented: no longer the step's descendant").isNotEqualTo(java.util.Optional.of(
        ProcessHandle.current().pid()));
    step.cancel(java.time.Duration.ofMillis(500));
    step.exit().toCompletableFuture().get(30, TimeUnit.SECONDS);
    assertThat(allGone(List.of(daemon))).as("the double-forked daemon " + daemon + " outlived the cancel").isTrue();
  }

  @Test
  void close_withAStepRunning_endsIt_quietly() throws Exception {
    List<Throwable> uncaught = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    Thread.UncaughtExceptionHandler before = Thread.getDefaultUncaughtExceptionHandler();
    Thread.setDefaultUncaughtExceptionHandler((t, e) -> uncaught.add(e));
    try {
      java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
      var step = runner.start(request("echo $$ > step.pid; echo started; sleep 600", Map.of()), line -> {
        if (line.equals("started")) started.countDown();
      });
      assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
      long pid = Long.parseLong(Files.readString(workdir.resolve("step.pid")).strip());
      runner.close();
      assertThat(step.exit().toCompletableFuture().get(30, TimeUnit.SECONDS).runnerError()).isPresent();
      assertThat(allGone(List.of(pid))).as("the step ended with the runner").isTrue();
      runner = createRunner(); // for the kit's own close
      assertThat(uncaught).as("nothing thrown on the runner's threads").isEmpty();
    } finally {
      Thread.setDefaultUncaughtExceptionHandler(before);
    }
  }

  @Test
  void homeAndPathComeFromTheHost() throws Exception {
    Result r = run("echo \"$HOME\"; echo \"$PATH\"", Map.of());
    assertThat(r.lines()).containsExactly(System.getenv().getOrDefault("HOME", System.getProperty("user.home")),
        System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin"));
  }

  @Test
  void aProgramFileWithoutAHashBangLine_runsAsAShellScript() throws Exception {
    java.nio.file.Path script = Files.writeString(workdir.resolve("noshebang"), "echo from-the-script\nexit 3\n");
    script.toFile().setExecutable(true);
    Result r = run("./noshebang", Map.of()); // one plain word: started directly, which the kernel refuses (ENOEXEC)
    assertThat(r.lines()).containsExactly("from-the-script");
    assertThat(r.exit().exitCode()).isEqualTo(3);
  }

  @Test
  void aProgramKilledByASignal_exitsWith128PlusTheSignal() throws Exception {
    assertThat(run("kill -9 $$", Map.of()).exit().exitCode()).isEqualTo(137);
  }

  @Test
  void aProgramThatLeavesAChildHoldingItsOutput_stillEnds() throws Exception {
    java.nio.file.Path script = Files.writeString(workdir.resolve("leaves.sh"), "#!/bin/sh\nsleep 120 &\necho $! > bg\necho done\n");
    script.toFile().setExecutable(true);
    Result r = run("./leaves.sh", Map.of()); // started directly, so in no session of its own: the child is found by its mark
    long pid = Long.parseLong(Files.readString(workdir.resolve("bg")).strip());
    try {
      assertThat(r.lines()).containsExactly("done");
      assertThat(r.exit().exitCode()).isZero();
      assertThat(allGone(List.of(pid))).as("the child left holding the output").isTrue();
    } finally {
      ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }
  }

  @Test
  void textBeyondAscii_inTheCommandAndTheEnvironment_arrivesWhole() throws Exception {
    Result r = run("echo \"$GREETING, ünïcödé ✓\"", Map.of("GREETING", "grüß dich"));
    assertThat(r.lines()).containsExactly("grüß dich, ünïcödé ✓");
  }
}
