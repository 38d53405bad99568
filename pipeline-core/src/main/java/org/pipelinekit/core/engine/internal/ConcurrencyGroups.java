package org.pipelinekit.core.engine.internal;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Executions whose concurrency group evaluates to the same text run one at a time. A new one either
 * cancels the running one and every pending one ({@code cancelInProgress}) or waits in the group's
 * queue; when the queue is full, its oldest pending execution is cancelled as superseded.
 */
public final class ConcurrencyGroups {
  private final Map<String, Group> groups = new HashMap<>();

  private static final class Group {
    LiveExecution running;
    final ArrayDeque<LiveExecution> pending = new ArrayDeque<>();
  }

  /**
   * Admits an execution to its group: starts it now, or queues it.
   *
   * @return true when it was queued
   */
  public boolean admit(String group, LiveExecution run, boolean cancelInProgress, int queueLimit) {
    LiveExecution toCancel = null;
    java.util.List<LiveExecution> cancelPending = new java.util.ArrayList<>();
    boolean queued;
    synchronized (this) {
      Group g = groups.computeIfAbsent(group, k -> new Group());
      if (g.running == null) {
        g.running = run;
        queued = false;
      } else if (cancelInProgress) {
        toCancel = g.running;
        cancelPending.addAll(g.pending);
        g.pending.clear();
        g.pending.add(run);
        queued = true;
      } else {
        if (g.pending.size() >= queueLimit && !g.pending.isEmpty()) {
          cancelPending.add(g.pending.poll());
        }
        if (queueLimit == 0) {
          cancelPending.add(run);
        } else {
          g.pending.add(run);
        }
        queued = true;
      }
    }
    if (toCancel != null) toCancel.cancel("cancelled by " + run.id() + " in concurrency group '" + group + "'");
    for (LiveExecution r : cancelPending) r.cancelQueued("superseded by " + run.id() + " in concurrency group '" + group + "'");
    return queued;
  }

  /** The running execution of the group ended: start the next pending one, if any. */
  public void finished(String group, LiveExecution run) {
    LiveExecution next = null;
    synchronized (this) {
      Group g = groups.get(group);
      if (g == null) return;
      if (g.running == run) {
        g.running = g.pending.poll();
        next = g.running;
      } else {
        g.pending.remove(run);
      }
      if (g.running == null && g.pending.isEmpty()) groups.remove(group);
    }
    if (next != null) next.start();
  }

  public synchronized Optional<String> runningIn(String group) {
    Group g = groups.get(group);
    return g == null || g.running == null ? Optional.empty() : Optional.of(g.running.id());
  }
}
