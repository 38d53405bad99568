package org.pipelinekit.web.internal;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A server-sent event stream on an async request. Sends are serialized; a failed write (the
 * client went away) or the container's error/timeout closes the stream and runs {@code onClose}
 * (which unsubscribes from the engine), so a client that disconnects frees what it held. A comment
 * line every heartbeat interval notices silent disconnects.
 *
 * <p>Events are written at once and flushed on a thread of {@code flushers}: a flush already asked for takes every event written
 * before it runs, so a burst (a step printing thousands of lines a second) goes out in a few network writes instead of
 * one per event, and the sender never waits for the network. A lone event is on the wire one thread hop later.
 */
public final class SseStream {
  private final AsyncContext async;
  private final OutputStream out;
  private final AtomicInteger open;
  private final java.util.concurrent.Executor flusher;
  private boolean flushAsked; // guarded by this
  private Runnable onClose = () -> { };
  private ScheduledFuture<?> heartbeat;
  private boolean closed;

  private SseStream(AsyncContext async, OutputStream out, AtomicInteger open, java.util.concurrent.Executor flusher) {
    this.async = async;
    this.out = out;
    this.open = open;
    this.flusher = flusher;
  }

  public static SseStream start(HttpServletRequest req, HttpServletResponse resp, ScheduledExecutorService timer,
      java.util.concurrent.Executor flushers, long heartbeatMillis, AtomicInteger open) throws IOException {
    resp.setStatus(200);
    resp.setContentType("text/event-stream");
    resp.setCharacterEncoding("UTF-8");
    resp.setHeader("Cache-Control", "no-cache");
    resp.setHeader("X-Accel-Buffering", "no");
    AsyncContext async = req.startAsync();
    async.setTimeout(0);
    SseStream s = new SseStream(async, resp.getOutputStream(), open, flushers);
    open.incrementAndGet();
    async.addListener(new AsyncListener() {
      @Override public void onComplete(AsyncEvent e) { s.close(); }
      @Override public void onTimeout(AsyncEvent e) { s.close(); }
      @Override public void onError(AsyncEvent e) { s.close(); }
      @Override public void onStartAsync(AsyncEvent e) { }
    });
    s.raw(": stream open\n\n");
    s.heartbeat = timer.scheduleAtFixedRate(() -> s.raw(": keep-alive\n\n"), heartbeatMillis, heartbeatMillis, TimeUnit.MILLISECONDS);
    return s;
  }

  /** What to release when the stream closes, however it closes. */
  public synchronized void onClose(Runnable r) {
    if (closed) {
      r.run();
    } else {
      this.onClose = r;
    }
  }

  /** Sends one event; false when the stream is closed (the client left). */
  public boolean send(String id, String event, String data) {
    StringBuilder sb = new StringBuilder();
    if (id != null) sb.append("id: ").append(id).append('\n');
    if (event != null) sb.append("event: ").append(event).append('\n');
    for (String line : data.split("\n", -1)) sb.append("data: ").append(line).append('\n');
    sb.append('\n');
    return raw(sb.toString());
  }

  private boolean raw(String text) {
    boolean ask = false;
    boolean broken = false;
    synchronized (this) {
      if (closed) return false;
      try {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        ask = !flushAsked;
        flushAsked = true;
      } catch (IOException | RuntimeException e) {
        broken = true;
      }
    }
    if (broken) { // (the client left: closed outside the lock, see flush)
      close();
      return false;
    }
    if (ask) {
      try {
        flusher.execute(this::flush);
      } catch (java.util.concurrent.RejectedExecutionException stopping) {
        flush();
      }
    }
    return true;
  }

  /**
   * Writes out what was sent. A failed write closes the stream — never while holding it: closing runs {@code onClose},
   * which takes the engine's locks, and the engine holds those while it sends (a flush that closed while holding the
   * stream deadlocked with a delivery waiting for it).
   */
  private void flush() {
    synchronized (this) {
      flushAsked = false;
      if (closed) return;
      try {
        out.flush();
        return;
      } catch (IOException | RuntimeException e) {
        // closed below, outside the lock
      }
    }
    close();
  }

  public synchronized boolean isClosed() {
    return closed;
  }

  /** Ends the stream (idempotent): stops the heartbeat, runs {@code onClose}, completes the request. */
  public void close() {
    Runnable release;
    synchronized (this) {
      if (closed) return;
      closed = true;
      release = onClose;
    }
    open.decrementAndGet();
    if (heartbeat != null) heartbeat.cancel(false);
    try {
      release.run();
    } finally {
      try {
        async.complete();
      } catch (IllegalStateException alreadyDone) {
        // the container completed it
      }
    }
  }
}
