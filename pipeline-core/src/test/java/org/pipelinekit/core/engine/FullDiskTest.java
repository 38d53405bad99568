package org.pipelinekit.core.engine;

import org.pipelinekit.core.run.ExecutionEvent;
import org.pipelinekit.core.run.ExecutionStatus;
import org.pipelinekit.core.run.ExecutionTrigger;
import org.pipelinekit.core.run.StageStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pipelinekit.core.PipelineException;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.core.service.PipelineService;
import org.pipelinekit.core.store.FilePipelineStore;
import org.pipelinekit.core.testing.SmallDisk;

/**
 * A data directory that fills up under a run: a real 5 MB tmpfs (as the outside probe had), which the
 * test mounts (it needs root, as scripts/test.sh runs in CI). A storage failure ends the step and the
 * execution as FAILED with the reason, and what was stored before stays readable.
 */
class FullDiskTest {
  @TempDir Path dir;
  SmallDisk disk;
  Path data;

  @BeforeEach
  void mount() throws Exception {
    disk = SmallDisk.mount(dir.resolve("small"), 5);
    data = disk.dir;
  }

  @AfterEach
  void unmount() throws Exception {
    disk.close();
  }

  @Test
  void aStageThatFillsTheDisk_failsTheExecutionWithTheReason_andEarlierRunsStayReadable() throws Exception {
    PipelineService service = PipelineService.builder().store(new FilePipelineStore(data.resolve("pipelines"))).build();
    Pipeline small = Pipeline.builder("small").stage("hello", s -> s.run("echo hello")).build();
    service.create(small);
    Pipeline loud = Pipeline.builder("loud").stage("print", s -> s.run("seq 1 120000 | sed 's/$/ a line of log output that fills the disk/'"))
        .stage("after", s -> s.needs("print").run("echo never")).build();
    String before;
    try (PipelineExecutor executor = PipelineExecutor.builder().dataDirectory(data).cancelGracePeriod(Duration.ofMillis(500)).build()) {
      Execution first = executor.execute(small, ExecutionTrigger.manual(), Map.of());
      assertThat(EngineTesting.await(first).status()).isEqualTo(ExecutionStatus.SUCCEEDED);
      before = first.id();

      Execution e = executor.execute(loud, ExecutionTrigger.manual(), Map.of());
      ExecutionSnapshot done = e.completion().get(120, TimeUnit.SECONDS);
      assertThat(done.status()).isEqualTo(ExecutionStatus.FAILED);
      assertThat(done.reason().orElse("")).containsIgnoringCase("no space left");
      assertThat(done.stage("print").status()).isEqualTo(StageStatus.FAILED);
      e.cancel("after the end"); // harmless
    }
    deleteLogs();
    try (PipelineExecutor reopened = PipelineExecutor.builder().dataDirectory(data).build()) {
      assertThat(reopened.execution(before).orElseThrow().snapshot().status()).isEqualTo(ExecutionStatus.SUCCEEDED);
      assertThat(PipelineService.builder().store(new FilePipelineStore(data.resolve("pipelines"))).build().get("small")).isPresent();
      Execution again = reopened.execute(small, ExecutionTrigger.manual(), Map.of()); // space freed: runs work again
      assertThat(EngineTesting.await(again).status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    }
  }

  @Test
  void aRunStartedOnAFullDisk_isRefusedSayingWhy() throws Exception {
    fill();
    try (PipelineExecutor executor = PipelineExecutor.builder().dataDirectory(data).build()) {
      Pipeline quiet = Pipeline.builder("quiet").stage("wait", s -> s.run("echo hi")).build();
      assertThatThrownBy(() -> executor.execute(quiet, ExecutionTrigger.manual(), Map.of())).isInstanceOf(PipelineException.class)
          .hasMessageContaining("No space left on device").hasMessageContaining("free space")
          .satisfies(e -> assertThat(((PipelineException) e).code()).isEqualTo("STORE_FULL"));
    }
  }

  @Test
  void whenTheDiskFillsUnderAQuietStep_cancelStillEndsTheRun() throws Exception {
    EngineTesting.Recorder rec = new EngineTesting.Recorder();
    try (PipelineExecutor executor = PipelineExecutor.builder().dataDirectory(data).cancelGracePeriod(Duration.ofMillis(500)).build()) {
      Pipeline quiet = Pipeline.builder("quiet").stage("wait", s -> s.run("sleep 600")).build();
      Execution e = executor.execute(quiet, ExecutionTrigger.manual(), Map.of(), rec);
      rec.waitFor(ev -> ev instanceof ExecutionEvent.LogAppended l && l.line().text().equals("▶ sleep 600"));
      fill();
      e.cancel("the user gave up");
      ExecutionSnapshot done = e.completion().get(60, TimeUnit.SECONDS);
      // CANCELLED when the cancel still fitted in the journal's last page, else FAILED saying the disk is full
      assertThat(done.status()).isIn(ExecutionStatus.CANCELLED, ExecutionStatus.FAILED);
      assertThat(done.reason().orElse("")).containsAnyOf("the user gave up", "No space left on device");
    }
  }

  private void fill() throws IOException {
    disk.fill();
  }

  private void deleteLogs() throws IOException {
    try (var walk = Files.walk(data.resolve("logs"))) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        if (!p.equals(data.resolve("logs"))) Files.deleteIfExists(p);
      }
    }
  }
}
