package org.pipelinekit.core.engine.internal;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import org.pipelinekit.core.engine.EventListener;
import org.pipelinekit.core.run.ExecutionEvent;
import org.pipelinekit.core.run.ExecutionEvent.LogAppended;
import org.pipelinekit.core.run.ExecutionHeader;
import org.pipelinekit.core.engine.ExecutionSnapshot;
import org.pipelinekit.core.engine.Subscription;
import org.pipelinekit.core.spi.ExecutionStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Numbers an execution's events, journals all but log lines, folds them into the snapshot and hands
 * them to each subscriber's bounded buffer. Subscribers are drained on the delivery executor, never
 * on the thread that published, so a slow listener cannot hold the engine up; one that falls
 * {@code bufferSize} events behind is dropped and told where to resume (see {@link EventListener}).
 */
public final class EventHub {
  private static final Logger LOG = LoggerFactory.getLogger(EventHub.class);

  /** Makes an event once its number and time are known. */
  @FunctionalInterface
  public interface EventFactory {
    ExecutionEvent make(long sequence, Instant time);
  }

  private final ExecutionHeader header;
  private final ExecutionStore store;
  private final Clock clock;
  private final Executor delivery;
  private final int bufferSize;
  private final SnapshotBuilder snapshot;
  private java.util.function.Consumer<RuntimeException> onStoreFailure = e -> { };
  private java.util.function.UnaryOperator<ExecutionEvent> sanitizer = e -> e;
  private final List<ExecutionEvent> journal = new ArrayList<>();
  private final List<Sub> subscribers = new CopyOnWriteArrayList<>();
  private long sequence;

  public EventHub(ExecutionHeader header, List<ExecutionEvent> earlier, ExecutionStore store, Clock clock, Executor delivery,
      int bufferSize) {
    this.header = header;
    this.store = store;
    this.clock = clock;
    this.delivery = delivery;
    this.bufferSize = bufferSize;
    this.snapshot = new SnapshotBuilder(header);
    for (ExecutionEvent e : earlier) {
      snapshot.apply(e);
      journal.add(e);
      sequence = e.sequence();
    }
  }

  /**
   * Hands the events to {@code relay} instead of the journal: a guest run's hub, whose events the execution's scheduler
   * on another host journals.
   */
  public synchronized void relay(java.util.function.Consumer<ExecutionEvent> relay) {
    this.relay = relay;
  }

  private java.util.function.@org.jspecify.annotations.Nullable Consumer<ExecutionEvent> relay;

  /** What every event goes through before it is journaled or delivered (the run's secret masking). */
  public synchronized void sanitizer(java.util.function.UnaryOperator<ExecutionEvent> sanitizer) {
    this.sanitizer = sanitizer;
  }

  /** Who hears that the journal could not be written (the event still counts here and reaches subscribers). */
  public synchronized void onStoreFailure(java.util.function.Consumer<RuntimeException> handler) {
    this.onStoreFailure = handler;
  }

  /**
   * Publishes an event. A journal that cannot be written (a full disk) never stops an execution's state
   * from moving on: the event still folds into the snapshot and reaches subscribers, and the failure is
   * handed to {@link #onStoreFailure}.
   */
  public synchronized ExecutionEvent publish(EventFactory factory) {
    ExecutionEvent e = sanitizer.apply(factory.make(++sequence, clock.instant()));
    if (relay != null) {
      if (!(e instanceof LogAppended)) relay.accept(e);
    } else if (!(e instanceof LogAppended)) {
      try {
        store.append(header.id(), e);
      } catch (RuntimeException failure) {
        onStoreFailure.accept(failure);
      }
      journal.add(e);
      snapshot.apply(e);
    }
    for (Sub s : subscribers) s.offer(e);
    return e;
  }

  public synchronized ExecutionSnapshot snapshot() {
    return snapshot.build();
  }

  public synchronized long sequence() {
    return sequence;
  }

  /** Replays journaled events from {@code fromSequence}, then delivers live ones. */
  public synchronized Subscription subscribe(long fromSequence, EventListener listener) {
    Sub sub = new Sub(listener);
    for (ExecutionEvent e : journal) {
      if (e.sequence() >= fromSequence) sub.queue.add(e);
    }
    sub.lastOffered = sequence;
    subscribers.add(sub);
    sub.schedule();
    return sub;
  }

  /** One subscriber: a bounded queue drained by at most one delivery task at a time. */
  private final class Sub implements Subscription {
    private final EventListener listener;
    private final ArrayDeque<ExecutionEvent> queue = new ArrayDeque<>();
    private boolean draining;
    private boolean closed;
    private long lastDelivered;
    private long lastOffered;

    Sub(EventListener listener) {
      this.listener = listener;
    }

    void offer(ExecutionEvent e) {
      boolean overflow = false;
      synchronized (this) {
        if (closed) return;
        if (queue.size() >= bufferSize) {
          closed = true;
          overflow = true;
          queue.clear();
        } else {
          queue.add(e);
          lastOffered = e.sequence();
        }
      }
      if (overflow) {
        subscribers.remove(this);
        long resumeAfter;
        synchronized (this) {
          resumeAfter = lastDelivered;
        }
        LOG.warn("event listener on execution {} fell {} events behind and was unsubscribed", header.id(), bufferSize);
        delivery.execute(() -> listener.overflowed(resumeAfter));
        return;
      }
      schedule();
    }

    void schedule() {
      synchronized (this) {
        if (draining || queue.isEmpty() || closed) return;
        draining = true;
      }
      delivery.execute(this::drain);
    }

    private void drain() {
      while (true) {
        ExecutionEvent next;
        synchronized (this) {
          next = closed ? null : queue.poll();
          if (next == null) {
            draining = false;
            return;
          }
        }
        synchronized (this) {
          lastDelivered = next.sequence();
        }
        try {
          listener.onEvent(next);
        } catch (RuntimeException e) {
          LOG.warn("event listener on execution {} threw on event {}", header.id(), next.sequence(), e);
        }
      }
    }

    @Override
    public void close() {
      synchronized (this) {
        closed = true;
        queue.clear();
      }
      subscribers.remove(this);
    }
  }
}
