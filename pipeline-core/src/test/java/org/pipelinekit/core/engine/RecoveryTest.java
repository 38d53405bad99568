package org.pipelinekit.core.engine;

import org.pipelinekit.core.run.ExecutionStatus;
import org.pipelinekit.core.run.LogLine;
import org.pipelinekit.core.run.StageStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.pipelinekit.core.engine.EngineTesting.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pipelinekit.core.testing.StageLogs;

/** kill -9 of a host JVM in the middle of a stage, then a new host on its data directory. */
class RecoveryTest {
  @TempDir Path dir;

  @Test
  void aKilledHostsExecutionIsInterruptedWithItsLogs_andReRunsFromTheInterruptedStage() throws Exception {
    Process host = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), CrashHost.class.getName(), dir.toString())
        .redirectErrorStream(true).start();
    String executionId;
    try (BufferedReader out = new BufferedReader(new InputStreamReader(host.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      do {
        line = out.readLine();
      } while (line != null && !line.startsWith("READY "));
      assertThat(line).as("the host never said READY").isNotNull();
      executionId = line.substring("READY ".length());
      host.destroyForcibly(); // SIGKILL: no shutdown hook, no flush, no cleanup
      assertThat(host.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    Path signals = dir.resolve("signals");
    long stepPid = Long.parseLong(Files.readString(signals.resolve("work.pid")).strip());
    // the killed host's quiet step lives on in its own session, as after a real crash
    ProcessHandle step = ProcessHandle.of(stepPid).orElseThrow(() -> new AssertionError("the step died with its host"));

    try (PipelineExecutor executor = PipelineExecutor.builder().dataDirectory(dir).build()) {
      // the new host ends the leftovers of hosts that died (they carry their host's mark in their environment)
      step.onExit().get(60, TimeUnit.SECONDS);
      Execution old = executor.execution(executionId).orElseThrow();
      ExecutionSnapshot snap = old.snapshot();
      assertThat(snap.status()).isEqualTo(ExecutionStatus.INTERRUPTED);
      assertThat(snap.stage("prepare").status()).isEqualTo(StageStatus.SUCCEEDED);
      assertThat(snap.stage("work").status()).isEqualTo(StageStatus.INTERRUPTED);
      List<String> log = StageLogs.of(old, "work");
      for (int i = 0; i < 50; i++) assertThat(log).contains("line-" + i);
      assertThat(log).contains("ready");
      assertThat(old.logs().read("prepare", 1, 1000)).extracting(LogLine::text).contains("1", "100");

      Files.writeString(signals.resolve("resume"), "");
      Execution again = executor.rerun(executionId, "work");
      ExecutionSnapshot done = await(again);
      assertThat(done.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
      assertThat(done.stage("prepare").reusedFrom()).contains(executionId);
      assertThat(done.stage("prepare").outputs()).containsEntry("token", "abc");
      assertThat(again.logs().read("work", 1, 100)).extracting(LogLine::text).contains("resumed with abc");
      assertThat(done.header().rerunOf()).contains(executionId);
      assertThat(done.header().rerunFrom()).contains("work");
    }
  }
}
