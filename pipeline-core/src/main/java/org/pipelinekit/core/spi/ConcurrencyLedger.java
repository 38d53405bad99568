package org.pipelinekit.core.spi;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Where concurrency groups are kept: which execution of a group runs, which wait, in order. The default is the
 * executor's memory (one host); pipeline-jdbc keeps them in the database, so a group holds across the hosts sharing it.
 * Executions whose group evaluates to the same text run one at a time: a new one cancels the running one and every
 * waiting one ({@code cancelInProgress}), or waits; when the queue is full its oldest waiting execution is cancelled.
 */
public interface ConcurrencyLedger {
  /**
   * What admitting an execution decided: whether it waits, and which executions are to be cancelled for it (the
   * running one, waiting ones superseded; the new one itself when the group keeps no queue).
   */
  record Admission(boolean queued, List<String> cancel) {
    public Admission {
      cancel = List.copyOf(cancel);
    }
  }

  Admission admit(String group, String executionId, boolean cancelInProgress, int queueLimit);

  /**
   * The execution ended, or was cancelled while it waited: it leaves the group. When it was the running one, the
   * group's next waiting execution becomes the running one and is returned, to be started.
   */
  Optional<String> finished(String group, String executionId);

  /** A ledger in memory: one host's groups. */
  static ConcurrencyLedger inMemory() {
    return new InMemory();
  }

  /** The executor's default. */
  final class InMemory implements ConcurrencyLedger {
    private final java.util.Map<String, Group> groups = new java.util.HashMap<>();

    private static final class Group {
      String running;
      final java.util.ArrayDeque<String> waiting = new java.util.ArrayDeque<>();
    }

    private InMemory() {}

    @Override
    public synchronized Admission admit(String group, String executionId, boolean cancelInProgress, int queueLimit) {
      Objects.requireNonNull(executionId, "executionId");
      Group g = groups.computeIfAbsent(group, k -> new Group());
      List<String> cancel = new java.util.ArrayList<>();
      if (g.running == null) {
        g.running = executionId;
        return new Admission(false, cancel);
      }
      if (cancelInProgress) {
        cancel.add(g.running);
        cancel.addAll(g.waiting);
        g.waiting.clear();
        g.waiting.add(executionId);
      } else if (queueLimit == 0) {
        cancel.add(executionId);
      } else {
        if (g.waiting.size() >= queueLimit) cancel.add(g.waiting.poll());
        g.waiting.add(executionId);
      }
      return new Admission(true, cancel);
    }

    @Override
    public synchronized Optional<String> finished(String group, String executionId) {
      Group g = groups.get(group);
      if (g == null) return Optional.empty();
      Optional<String> next = Optional.empty();
      if (executionId.equals(g.running)) {
        g.running = g.waiting.poll();
        next = Optional.ofNullable(g.running);
      } else {
        g.waiting.remove(executionId);
      }
      if (g.running == null && g.waiting.isEmpty()) groups.remove(group);
      return next;
    }
  }
}
