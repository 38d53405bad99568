package org.pipelinekit.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.pipelinekit.core.testing.StoreKit;
import org.pipelinekit.core.PipelineException;
import org.pipelinekit.core.run.ExecutionEvent;
import org.pipelinekit.core.run.ExecutionHeader;
import org.pipelinekit.core.run.ExecutionStatus;
import org.pipelinekit.core.run.ExecutionTrigger;
import org.pipelinekit.core.run.StageStatus;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.core.spi.ExecutionStore;
import org.pipelinekit.core.spi.StoredExecution;

/**
 * What every {@link ExecutionStore} must do: execution numbers, headers and journals kept exactly,
 * lists newest first, deletes, and (for stores that persist) all of it after a reopen. An
 * implementation's test extends this; the kit ships in pipeline-core's test-jar.
 */
public abstract class ExecutionStoreCompatibilityKit extends StoreKit<ExecutionStore> {
  protected ExecutionHeader header(String pipelineId) {
    long n = store.nextNumber(pipelineId);
    Pipeline pipeline = Pipeline.builder(pipelineId).stage("build", s -> s.run("make")).build();
    return new ExecutionHeader(pipelineId + "-" + n, n, pipeline, ExecutionTrigger.manual().branch("main"), Map.of("target", "staging"),
        Instant.parse("2026-12-06T10:00:00Z").plusSeconds(n), Optional.empty(), Optional.empty());
  }

  private static List<ExecutionEvent> journal(String id) {
    Instant t = Instant.parse("2026-12-06T10:00:01Z");
    return List.of(
        new ExecutionEvent.ExecutionStarted(id, 1, t),
        new ExecutionEvent.StageStarted(id, 2, t, "build"),
        new ExecutionEvent.JobStarted(id, 3, t, "build", "build", Map.of(), 1),
        new ExecutionEvent.JobFinished(id, 5, t, "build", "build", 1, StageStatus.FAILED, Optional.of(2),
            Optional.of("step 1 (make) exited with 2: « ünïcode » \"quoted\"\nsecond line"), Map.of("version", "1.2.3")),
        new ExecutionEvent.StageFinished(id, 6, t, "build", StageStatus.FAILED, Optional.of("exit 2"), Map.of("version", "1.2.3")),
        new ExecutionEvent.ExecutionFinished(id, 7, t.plus(Duration.ofSeconds(3)), ExecutionStatus.FAILED,
            Optional.of("stage 'build' failed")));
  }

  @Test
  void numbers_startAtOneAndGrowPerPipeline() {
    assertThat(store.nextNumber("a")).isEqualTo(1);
    assertThat(store.nextNumber("a")).isEqualTo(2);
    assertThat(store.nextNumber("b")).isEqualTo(1);
  }

  @Test
  void numbers_areUniqueUnderConcurrentCallers() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Long>> all = new ArrayList<>();
      for (int i = 0; i < 400; i++) all.add(pool.submit(() -> store.nextNumber("busy")));
      var seen = ConcurrentHashMap.<Long>newKeySet();
      for (Future<Long> f : all) assertThat(seen.add(f.get())).isTrue();
      assertThat(seen).hasSize(400).contains(1L, 400L);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void headerAndJournal_readBackExactly() {
    ExecutionHeader h = header("ci");
    store.create(h);
    journal(h.id()).forEach(e -> store.append(h.id(), e));
    StoredExecution back = store.load(h.id()).orElseThrow();
    assertThat(back.header()).isEqualTo(h);
    assertThat(back.events()).isEqualTo(journal(h.id()));
  }

  @Test
  void create_refusesAnIdTaken() {
    ExecutionHeader h = header("ci");
    store.create(h);
    assertThatThrownBy(() -> store.create(h)).isInstanceOf(PipelineException.class)
        .satisfies(e -> assertThat(((PipelineException) e).code()).isEqualTo("STORE_CONFLICT"));
  }

  @Test
  void list_isNewestFirst_andIdsHasEveryExecution_andDeleteForgetsOne() {
    ExecutionHeader one = header("ci");
    ExecutionHeader two = header("ci");
    ExecutionHeader other = header("other");
    for (ExecutionHeader h : List.of(one, two, other)) store.create(h);
    assertThat(store.list("ci")).containsExactly(two.id(), one.id());
    assertThat(store.ids()).containsExactlyInAnyOrder(one.id(), two.id(), other.id());
    store.delete(one.id());
    assertThat(store.load(one.id())).isEmpty();
    assertThat(store.list("ci")).containsExactly(two.id());
    assertThat(store.load("no-such-execution")).isEmpty();
  }

  @Test
  void unfinished_namesTheExecutionsWhoseJournalHasNoEnd() {
    ExecutionHeader ended = header("ci");
    ExecutionHeader running = header("ci");
    store.create(ended);
    store.create(running);
    Instant t = Instant.parse("2026-12-06T10:00:01Z");
    store.append(ended.id(), new ExecutionEvent.ExecutionStarted(ended.id(), 1, t));
    store.append(ended.id(), new ExecutionEvent.ExecutionFinished(ended.id(), 2, t, ExecutionStatus.SUCCEEDED, Optional.empty()));
    store.append(running.id(), new ExecutionEvent.ExecutionStarted(running.id(), 1, t));
    assertThat(store.unfinished()).containsExactly(running.id());
  }

  @Test
  void everything_survivesAReopen() throws Exception {
    ExecutionHeader h = header("ci");
    store.create(h);
    journal(h.id()).forEach(e -> store.append(h.id(), e));
    if (!reopened()) return; // a store that keeps nothing across restarts
    assertThat(store.load(h.id()).orElseThrow().events()).isEqualTo(journal(h.id()));
    assertThat(store.nextNumber("ci")).as("numbers go on after a restart").isGreaterThan(h.number());
  }
}
