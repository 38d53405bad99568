package org.pipelinekit.jdbc.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import javax.sql.DataSource;
import org.pipelinekit.core.spi.ControlChannel;

/**
 * The control channel over PostgreSQL: a command is a row of {@code pk_command} and a {@code NOTIFY pk_command}; every
 * host's listener (a thread on a connection that {@code LISTEN}s, reading the table again at least every 500 ms should a
 * notification be missed) offers new rows to its engine, and the host that runs the execution writes the answer into the
 * row, once. The sender reads its row until the answer is there or its wait is over, then deletes it.
 */
public final class JdbcControlChannel implements ControlChannel {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration READ_AGAIN = Duration.ofMillis(500);
  private static final Duration ANSWER_POLL = Duration.ofMillis(50);
  private final Database db;
  private final DataSource dataSource;
  private final ScheduledExecutorService waits = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "pipelinekit-commands-wait");
    t.setDaemon(true);
    return t;
  });
  private volatile Thread listener;
  private volatile boolean closed;

  public JdbcControlChannel(Database db, DataSource dataSource) {
    this.db = db;
    this.dataSource = dataSource;
  }

  @Override
  public CompletableFuture<Reply> send(Command command, Duration wait) {
    long id = db.one("send a command to the host of " + command.executionId(), "INSERT INTO pk_command (execution_id, body) VALUES (?, ?)"
        + " RETURNING id", s -> {
          s.setString(1, command.executionId());
          s.setString(2, encode(command));
        }, r -> r.getLong(1)).orElseThrow();
    db.one("notify the hosts", "SELECT pg_notify('pk_command', ?)", s -> s.setString(1, Long.toString(id)), r -> 0);
    CompletableFuture<Reply> reply = new CompletableFuture<>();
    long deadline = System.nanoTime() + wait.toNanos();
    Runnable[] check = new Runnable[1];
    check[0] = () -> {
      try {
        Optional<String> answer = db.one("read the answer to a command", "SELECT answer FROM pk_command WHERE id = ? AND answer IS NOT NULL",
            s -> s.setLong(1, id), r -> r.getString(1));
        if (answer.isPresent()) {
          reply.complete(decodeReply(answer.get()));
        } else if (System.nanoTime() > deadline) {
          reply.completeExceptionally(new TimeoutException("no host answered for execution " + command.executionId()));
        } else {
          waits.schedule(check[0], ANSWER_POLL.toMillis(), TimeUnit.MILLISECONDS);
          return;
        }
      } catch (RuntimeException e) {
        reply.completeExceptionally(e);
      }
      db.update("forget a command", "DELETE FROM pk_command WHERE id = ?", s -> s.setLong(1, id));
    };
    waits.execute(check[0]);
    return reply;
  }

  @Override
  public synchronized void listen(Function<Command, Optional<Reply>> handler) {
    if (listener != null) throw new IllegalStateException("this channel already has a listener");
    long start = db.one("read the newest command", "SELECT coalesce(max(id), 0) FROM pk_command", s -> { }, r -> r.getLong(1)).orElse(0L);
    Thread t = new Thread(() -> listenLoop(handler, start), "pipelinekit-commands");
    t.setDaemon(true);
    listener = t;
    t.start();
  }

  private void listenLoop(Function<Command, Optional<Reply>> handler, long start) {
    long[] seen = {start};
    Listening.loop(dataSource, "pk_command", READ_AGAIN.toMillis(), () -> closed, woke -> seen[0] = offer(handler, seen[0]),
        "the command listener");
  }


  /** Offers the commands after {@code seen} to the handler, writes the answers it gives; the newest id read. */
  private long offer(Function<Command, Optional<Reply>> handler, long seen) {
    record Row(long id, String body) {}
    List<Row> rows = db.query("read the commands", "SELECT id, body FROM pk_command WHERE id > ? AND answer IS NULL ORDER BY id",
        s -> s.setLong(1, seen), r -> new Row(r.getLong(1), r.getString(2)));
    long newest = seen;
    for (Row row : rows) {
      newest = Math.max(newest, row.id());
      Optional<Reply> reply = handler.apply(decodeCommand(row.body()));
      if (reply.isPresent()) {
        db.update("answer a command", "UPDATE pk_command SET answer = ? WHERE id = ? AND answer IS NULL", s -> {
          s.setString(1, encode(reply.get()));
          s.setLong(2, row.id());
        });
      }
    }
    return newest;
  }

  @Override
  public void close() {
    closed = true;
    waits.shutdownNow();
    Listening.stop(listener, READ_AGAIN.toMillis());
  }

  private static String encode(Command c) {
    ObjectNode n = JSON.createObjectNode();
    n.put("execution", c.executionId()).put("kind", c.kind().name()).put("principal", c.principal());
    c.stageId().ifPresent(v -> n.put("stage", v));
    c.groups().forEach(n.putArray("groups")::add);
    if (!n.has("groups")) n.putArray("groups");
    c.text().ifPresent(v -> n.put("text", v));
    return n.toString();
  }

  private static Command decodeCommand(String text) {
    try {
      JsonNode n = JSON.readTree(text);
      List<String> groups = new ArrayList<>();
      n.path("groups").forEach(g -> groups.add(g.asText()));
      return new Command(n.path("execution").asText(), Kind.valueOf(n.path("kind").asText()), opt(n, "stage"), n.path("principal").asText(),
          groups, opt(n, "text"));
    } catch (java.io.IOException e) {
      throw new IllegalStateException("a command row is not JSON: " + e.getMessage(), e);
    }
  }

  private static String encode(Reply r) {
    ObjectNode n = JSON.createObjectNode();
    r.errorCode().ifPresent(v -> n.put("code", v));
    r.message().ifPresent(v -> n.put("message", v));
    return n.toString();
  }

  private static Reply decodeReply(String text) {
    try {
      JsonNode n = JSON.readTree(text);
      return new Reply(opt(n, "code"), opt(n, "message"));
    } catch (java.io.IOException e) {
      throw new IllegalStateException("an answer row is not JSON: " + e.getMessage(), e);
    }
  }

  private static Optional<String> opt(JsonNode n, String field) {
    return n.hasNonNull(field) ? Optional.of(n.get(field).asText()) : Optional.empty();
  }
}
