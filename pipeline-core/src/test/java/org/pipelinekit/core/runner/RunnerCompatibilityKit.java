package org.pipelinekit.core.runner;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pipelinekit.core.spi.Runner;
import org.pipelinekit.core.spi.RunningStep;
import org.pipelinekit.core.spi.StepExit;
import org.pipelinekit.core.spi.StepOutput;
import org.pipelinekit.core.spi.StepRequest;

/**
 * What every {@link Runner} must do, run against the real thing. An implementation's test extends
 * this and says how to make the runner (and, for containers, which image to use); the kit ships in
 * pipeline-core's test-jar.
 */
public abstract class RunnerCompatibilityKit {
  @TempDir protected Path workdir;
  protected Runner runner;

  protected abstract Runner createRunner() throws Exception;

  /** The image steps run in, for runners that need one. */
  protected Optional<String> image() {
    return Optional.empty();
  }

  /**
   * Whether the step's processes are all gone; by default checked by PID on this machine, waiting
   * (on the JDK's exit notification, up to 5 s) for the kernel to finish them off.
   */
  protected boolean allGone(List<Long> pids) {
    for (long pid : pids) {
      Optional<ProcessHandle> h = ProcessHandle.of(pid);
      if (h.isEmpty()) continue;
      try {
        h.get().onExit().get(5, TimeUnit.SECONDS);
      } catch (Exception e) {
        return false;
      }
    }
    return true;
  }

  @BeforeEach
  void open() throws Exception {
    runner = createRunner();
  }

  @AfterEach
  void close() throws Exception {
    closeRunner();
  }

  /** Closes the runner, and whatever the test started for it. */
  protected void closeRunner() throws Exception {
    runner.close();
  }

  /**
   * The lines of a file a running step wrote in its working directory, read while it runs: from the directory itself for
   * runners that run steps in it; a runner that carries the workspace elsewhere (a pod) reads its copy.
   */
  protected List<String> readWhileRunning(String file) throws Exception {
    return Files.readAllLines(workdir.resolve(file));
  }

  protected StepRequest request(String command, Map<String, String> env) {
    return new StepRequest(command, env, workdir, image(), Optional.empty(), Map.of("test", "kit"));
  }

  protected record Result(StepExit exit, List<String> lines) {}

  protected Result run(String command, Map<String, String> env) throws Exception {
    List<String> lines = Collections.synchronizedList(new ArrayList<>());
    RunningStep step = runner.start(request(command, env), lines::add);
    StepExit exit = step.exit().toCompletableFuture().get(60, TimeUnit.SECONDS);
    return new Result(exit, List.copyOf(lines));
  }

  @Test
  void runs_aCommandAndPassesItsOutputLineByLine() throws Exception {
    Result r = run("echo one; echo two", Map.of());
    assertThat(r.exit()).isEqualTo(StepExit.SUCCESS);
    assertThat(r.lines()).containsExactly("one", "two");
  }

  @Test
  void reports_theExitCode() throws Exception {
    assertThat(run("exit 3", Map.of()).exit()).isEqualTo(StepExit.of(3));
    assertThat(run("no-such-command-pk", Map.of()).exit().exitCode()).isEqualTo(127);
  }

  @Test
  void merges_stdoutAndStderrInOrder() throws Exception {
    assertThat(run("echo a; echo b >&2; echo c", Map.of()).lines()).containsExactly("a", "b", "c");
  }

  @Test
  void keeps_theLastLineWithoutNewlineAndCarriageReturns() throws Exception {
    assertThat(run("printf 'x\\r\\nprogress\\rdone\\nlast'", Map.of()).lines()).containsExactly("x", "progress\rdone", "last");
  }

  @Test
  void passes_declaredVariablesAndNothingFromTheHost() throws Exception {
    Result r = run("echo \"A=$PK_A\"; env", Map.of("PK_A", "value with spaces"));
    assertThat(r.lines()).contains("A=value with spaces");
    Set<String> hostOnly = new java.util.HashSet<>(System.getenv().keySet());
    hostOnly.removeAll(Set.of("PATH", "HOME", "PWD", "SHLVL", "_", "OLDPWD", "HOSTNAME", "TERM", "USER", "LANG"));
    for (String line : r.lines()) {
      int eq = line.indexOf('=');
      if (eq > 0) assertThat(hostOnly).as("host variable leaked into the step").doesNotContain(line.substring(0, eq));
    }
  }

  @Test
  void runs_inTheWorkingDirectory() throws Exception {
    Files.writeString(workdir.resolve("marker.txt"), "here");
    assertThat(run("cat marker.txt", Map.of()).lines()).containsExactly("here");
  }

  @Test
  void loses_nothingOfALargeOutput() throws Exception {
    Result r = run("i=0; while [ $i -lt 50000 ]; do echo line-$i; i=$((i+1)); done", Map.of());
    assertThat(r.lines()).hasSize(50_000);
    assertThat(r.lines().get(0)).isEqualTo("line-0");
    assertThat(r.lines().get(49_999)).isEqualTo("line-49999");
  }

  @Test
  void splits_hugeLinesWithoutLosingBytes() throws Exception {
    Result r = run("head -c 200000 /dev/zero | tr '\\0' 'x'; echo", Map.of());
    assertThat(String.join("", r.lines())).hasSize(200_000);
  }

  @Test
  void cancel_endsAProcessTreeThatTrapsTerm() throws Exception {
    java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
    RunningStep step = runner.start(request(
        "trap '' TERM; (trap '' TERM; sleep 120) & echo $! > pids; sleep 120 & echo $! >> pids; echo $$ >> pids; echo started; wait",
        Map.of()), line -> {
          if (line.equals("started")) started.countDown();
        });
    assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
    List<Long> pids = readWhileRunning("pids").stream().map(String::strip).map(Long::parseLong).toList();
    step.cancel(Duration.ofMillis(500));
    // the tree sleeps 120 s: an exit within the 60 s guard means cancel ended it (how fast is measured by benchmarks, not here)
    StepExit exit = step.exit().toCompletableFuture().get(60, TimeUnit.SECONDS);
    assertThat(exit.succeeded()).isFalse();
    assertThat(allGone(pids)).as("processes %s are gone", pids).isTrue();
  }

  @Test
  void reports_startUpOnce_beforeTheFirstLine() throws Exception {
    Recording events = new Recording();
    RunningStep step = runner.start(request("echo first; echo second", Map.of()), events);
    assertThat(step.exit().toCompletableFuture().get(60, TimeUnit.SECONDS)).isEqualTo(StepExit.SUCCESS);
    assertThat(events.seen).containsExactly("started", "first", "second");
    Recording silent = new Recording();
    RunningStep quiet = runner.start(request("true", Map.of()), silent);
    quiet.exit().toCompletableFuture().get(60, TimeUnit.SECONDS);
    assertThat(silent.seen).containsExactly("started");
  }

  /** A step's lines in order, with "started" where the runner said the step was up. */
  private static final class Recording implements StepOutput {
    final List<String> seen = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void line(String text) {
      seen.add(text);
    }

    @Override
    public void started(Duration startup) {
      assertThat(startup).isPositive();
      seen.add("started");
    }
  }

  @Test
  void reports_aStepThatCannotStartAsARunnerError() throws Exception {
    StepRequest bad = new StepRequest("true", Map.of(), workdir.resolve("missing"), image(), Optional.empty(), Map.of());
    StepExit exit = runner.start(bad, line -> { }).exit().toCompletableFuture().get(30, TimeUnit.SECONDS);
    assertThat(exit.runnerError()).isPresent();
  }
}
