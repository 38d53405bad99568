package org.pipelinekit.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pipelinekit.core.engine.Execution;
import org.pipelinekit.core.engine.ExecutionSnapshot;
import org.pipelinekit.core.engine.PipelineExecutor;
import org.pipelinekit.core.run.ExecutionStatus;
import org.pipelinekit.core.run.LogLine;
import org.pipelinekit.core.run.StageStatus;

/** A host killed with SIGKILL mid-run: another host takes its execution over; what ended stays, the rest runs again there. */
class FailoverTest {
  @TempDir Path dir;
  private final OpenedStores stores = new OpenedStores();

  @AfterEach
  void closePools() {
    stores.closeAll();
  }

  @Test
  void anotherHostTakesOverTheRunOfAKilledHost_keepsWhatEnded_andRunsTheRestWithAHostLossAttempt() throws Exception {
    JdbcStores b = stores.fresh();
    TestPostgres pg = TestPostgres.shared();
    Process hostA = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", System.getProperty("java.class.path"),
        FailoverHost.class.getName(), stores.url(), pg.user(), dir.resolve("signals").toString()).redirectErrorStream(true).start();
    String id;
    try (BufferedReader out = new BufferedReader(new InputStreamReader(hostA.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      StringBuilder said = new StringBuilder();
      do {
        line = out.readLine();
        if (line != null) said.append(line).append('\n');
      } while (line != null && !line.startsWith("READY "));
      assertThat(line).as("host a never said READY: " + said).isNotNull();
      id = line.substring("READY ".length());
      hostA.destroyForcibly(); // SIGKILL: no shutdown hook, no cleanup, its leases just stop
      assertThat(hostA.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    try (PipelineExecutor hostB = PipelineExecutor.builder().executionStore(b.executions()).logStore(b.logs()).controlChannel(b.control())
        .oncePerCluster(b.oncePerCluster()).takeOverEvery(Duration.ofMillis(500)).runDirectory(dir.resolve("runs-b")).build()) {
      Execution e = hostB.execution(id).orElseThrow(); // taken over when host b started: no host answered for it
      ExecutionSnapshot done = e.completion().get(120, TimeUnit.SECONDS);
      assertThat(done.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
      assertThat(done.id()).isEqualTo(id);
      assertThat(done.stage("prepare").jobs().get(0).attempts()).as("what ended is kept, not run again").isEqualTo(1);
      assertThat(done.stage("work").jobs().get(0).attempts()).as("a host-loss attempt").isEqualTo(2);
      assertThat(done.stage("after").status()).isEqualTo(StageStatus.SUCCEEDED);
      List<String> work = e.logs().read("work", 1, 1000).stream().map(LogLine::text).toList();
      for (int i = 0; i < 20; i++) assertThat(work).as("a line the killed host had stored").contains("line-" + i);
      assertThat(work).contains("ready", "↻ the host that ran attempt 1 stopped; the job runs again here", "attempt two with abc");
      assertThat(e.logs().read("work", 1, 1000)).extracting(LogLine::number).isSorted().doesNotHaveDuplicates();
      assertThat(e.logs().read("prepare", 1, 100)).extracting(LogLine::text).containsOnlyOnce("prepared");
    }
    long stepPid = Long.parseLong(Files.readString(dir.resolve("signals/work.pid")).strip());
    ProcessHandle.of(stepPid).ifPresent(h -> h.onExit().orTimeout(60, TimeUnit.SECONDS).join()); // the new host ends a dead host's leftovers
  }
}
