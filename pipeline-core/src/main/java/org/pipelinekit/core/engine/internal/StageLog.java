package org.pipelinekit.core.engine.internal;

import java.time.Clock;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.pipelinekit.core.run.ExecutionEvent.LogAppended;
import org.pipelinekit.core.run.LogLine;
import org.pipelinekit.core.spi.LogStore;

/**
 * The log of one stage of one execution: every line, the engine's and the steps', is masked, numbered
 * (one sequence for all the stage's jobs and attempts; by the store when it {@link LogStore#numbersLines numbers lines}
 * itself, as a store the hosts of a cluster share does), appended to the {@link LogStore} and then
 * published as a {@code LogAppended} event, in that order and one line at a time, so a follower that
 * reads the store and then the events sees every line once. Never throws: it runs on runners' reader
 * threads too; a store that fails is reported to the run once and the lines still reach the live events.
 */
final class StageLog {
  private final String executionId;
  private final String stageId;
  private final LogStore store;
  private final EventHub hub;
  private final Clock clock;
  private final SecretMasker masker;
  private final BooleanSupplier storing;
  private final Consumer<RuntimeException> storeFailed;
  private final Object lock = new Object();
  private final AtomicLong lines = new AtomicLong();

  StageLog(String executionId, String stageId, LogStore store, EventHub hub, Clock clock, SecretMasker masker,
      BooleanSupplier storing, Consumer<RuntimeException> storeFailed) {
    this.executionId = executionId;
    this.stageId = stageId;
    this.store = store;
    this.hub = hub;
    this.clock = clock;
    this.masker = masker;
    this.storing = storing;
    this.storeFailed = storeFailed;
  }

  /** Numbers the next line after {@code lines} already stored (an execution taken over from another host). */
  void continueAfter(long lines) {
    this.lines.set(lines);
  }

  /** Lines of one read of a step's output: stored with one write where the store can ({@link LogStore#appendAllNext}), then published one by one. */
  void appendAll(String jobId, int attempt, java.util.List<String> texts) {
    java.util.List<String> masked = new java.util.ArrayList<>(texts.size());
    for (String text : texts) masked.add(masker.mask(text));
    synchronized (lock) {
      java.util.List<LogLine> numbered = new java.util.ArrayList<>(masked.size());
      for (String line : masked) numbered.add(new LogLine(stageId, lines.incrementAndGet(), clock.instant(), jobId, attempt, line));
      java.util.List<LogLine> stored = numbered;
      if (storing.getAsBoolean()) {
        try {
          stored = store.appendAllNext(executionId, numbered);
        } catch (RuntimeException e) {
          storeFailed.accept(e);
        }
      }
      for (LogLine l : stored) hub.publish((seq, t) -> new LogAppended(executionId, seq, t, l));
    }
  }

  void append(String jobId, int attempt, String text) {
    appendAll(jobId, attempt, java.util.List.of(text));
  }
}
