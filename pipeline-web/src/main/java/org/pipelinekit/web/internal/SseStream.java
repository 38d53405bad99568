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
 */
public final class SseStream {
  private final AsyncContext async;
  private final OutputStream out;
  private final AtomicInteger open;
  private Runnable onClose = () -> { };
  private ScheduledFuture<?> heartbeat;
  private boolean closed;

  private SseStream(AsyncContext async, OutputStream out, AtomicInteger open) {
    this.async = async;
    this.out = out;
    this.open = open;
  }

  public static SseStream start(HttpServletRequest req, HttpServletResponse resp, ScheduledExecutorService timer, long heartbeatMillis,
      AtomicInteger open) throws IOException {
    resp.setStatus(200);
    resp.setContentType("text/event-stream");
    resp.setCharacterEncoding("UTF-8");
    resp.setHeader("Cache-Control", "no-cache");
    resp.setHeader("X-Accel-Buffering", "no");
    AsyncContext async = req.startAsync();
    async.setTimeout(0);
    SseStream s = new SseStream(async, resp.getOutputStream(), open);
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

  private synchronized boolean raw(String text) {
    if (closed) return false;
    try {
      out.write(text.getBytes(StandardCharsets.UTF_8));
      out.flush();
      return true;
    } catch (IOException | RuntimeException e) {
      close();
      return false;
    }
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
