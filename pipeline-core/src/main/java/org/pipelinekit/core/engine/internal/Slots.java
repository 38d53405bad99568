package org.pipelinekit.core.engine.internal;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * The engine's job slots: at most {@code global} jobs run at once, and at most {@code perPipeline}
 * of one pipeline. Waiting costs no thread: a job that finds no slot leaves a callback in a FIFO
 * queue, run when a slot frees up (on the thread that released it; callers hand work on to their
 * own executor).
 */
public final class Slots {
  private final int global;
  private final int perPipeline;
  private int inUse;
  private final Map<String, Integer> byPipeline = new HashMap<>();
  private final ArrayDeque<Waiter> queue = new ArrayDeque<>();

  /** A request for a slot; cancel it to leave the queue (a granted slot must be released instead). */
  public final class Waiter {
    private final String pipelineId;
    private final Runnable onGranted;
    private boolean granted;

    private Waiter(String pipelineId, Runnable onGranted) {
      this.pipelineId = pipelineId;
      this.onGranted = onGranted;
    }

    /** Leaves the queue; true if it was still waiting (false: it was granted and must be released). */
    public boolean cancel() {
      synchronized (Slots.this) {
        if (granted) return false;
        queue.remove(this);
        return true;
      }
    }
  }

  public Slots(int global, int perPipeline) {
    if (global < 1 || perPipeline < 1) throw new IllegalArgumentException("slot limits must be 1 or more");
    this.global = global;
    this.perPipeline = perPipeline;
  }

  public Waiter acquire(String pipelineId, Runnable onGranted) {
    Waiter w = new Waiter(pipelineId, onGranted);
    boolean now;
    synchronized (this) {
      // a waiter that could use free room would have got it when the room was released
      now = hasRoom(pipelineId);
      if (now) grant(w);
      else queue.add(w);
    }
    if (now) onGranted.run();
    return w;
  }

  public void release(String pipelineId) {
    java.util.List<Waiter> granted = new java.util.ArrayList<>(1);
    synchronized (this) {
      inUse--;
      byPipeline.merge(pipelineId, -1, Integer::sum);
      for (Iterator<Waiter> it = queue.iterator(); it.hasNext() && inUse < global; ) {
        Waiter w = it.next();
        if (hasRoom(w.pipelineId)) {
          it.remove();
          grant(w);
          granted.add(w);
        }
      }
    }
    granted.forEach(w -> w.onGranted.run());
  }

  public synchronized int inUse() {
    return inUse;
  }

  public synchronized int waiting() {
    return queue.size();
  }

  private boolean hasRoom(String pipelineId) {
    return inUse < global && byPipeline.getOrDefault(pipelineId, 0) < perPipeline;
  }

  private void grant(Waiter w) {
    w.granted = true;
    inUse++;
    byPipeline.merge(w.pipelineId, 1, Integer::sum);
  }
}
