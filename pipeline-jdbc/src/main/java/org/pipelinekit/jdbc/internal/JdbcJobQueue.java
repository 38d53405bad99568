package org.pipelinekit.jdbc.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Array;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import javax.sql.DataSource;
import org.pipelinekit.core.run.ExecutionEvent;
import org.pipelinekit.core.spi.JobExit;
import org.pipelinekit.core.spi.JobQueue;
import org.pipelinekit.core.store.JournalCodec;

/**
 * The job queue over PostgreSQL: a ticket is a row of {@code pk_job}. A host with free slots claims queued rows its
 * labels cover with one {@code UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED LIMIT n) RETURNING …}, which gives
 * each claim the next fencing token and a lease; a heartbeat renews the leases of the rows it runs (and brings the
 * cancels asked for them), and the result is written only where the row still carries the claim's token. Schedulers
 * read their offered rows when a {@code NOTIFY pk_job} wakes them (every change notifies) or every {@value #POLL_MS} ms,
 * and mark a claim whose lease ran out LOST. With a per-pipeline limit, claims take a transaction-level advisory lock so
 * that two hosts cannot both take a pipeline's last slot.
 */
public final class JdbcJobQueue implements JobQueue {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(JdbcJobQueue.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long POLL_MS = 500;
  private static final long CLAIM_LOCK = 0x706b5f636c61696dL; // "pk_claim"
  private final Database db;
  private final DataSource dataSource;
  private final Duration lease;
  private volatile String host = "host-" + java.util.UUID.randomUUID().toString().substring(0, 8);
  private final Map<Long, Watched> watched = new ConcurrentHashMap<>();
  private final Map<Long, Running> running = new ConcurrentHashMap<>();
  private final ScheduledExecutorService heartbeat = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "pipelinekit-jobs-lease"));
  private final ScheduledExecutorService fencing = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "pipelinekit-jobs-fence"));
  private final ExecutorService work = Executors.newCachedThreadPool(r -> daemon(r, "pipelinekit-jobs"));
  private final Object claiming = new Object();
  private volatile Serving serving;
  private volatile Thread listener;
  private volatile boolean closed;

  private record Watched(Ticket ticket, Watcher watcher, boolean[] claimedSeen) {}

  private static final class Running {
    final long token;
    final Ticket ticket;
    volatile Stop stop;
    volatile boolean stopAsked;
    /** Stopped because this host lost (or could not renew) its claim: its end is reported as lost, not as the job's result. */
    volatile boolean fenced;
    /** When the statement that last took or renewed its lease was sent (System.nanoTime): the lease runs from no earlier. */
    volatile long renewedAt;

    Running(long token, Ticket ticket, long renewedAt) {
      this.token = token;
      this.ticket = ticket;
      this.renewedAt = renewedAt;
    }

    void stop(String reason, boolean timeout) {
      if (stopAsked) return;
      Stop s = stop;
      if (s == null) return; // asked again by the next heartbeat, once the job can be stopped
      stopAsked = true;
      s.stop(reason, timeout);
    }
  }

  private record Serving(String host, String[] labels, int slots, int perPipeline, Worker worker) {}

  public JdbcJobQueue(Database db, DataSource dataSource, Duration lease) {
    if (lease.toMillis() < 300) throw new IllegalArgumentException("the job lease must be 300 ms or more, got " + lease);
    this.db = db;
    this.dataSource = dataSource;
    this.lease = lease;
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  // ---- the scheduler's side ----

  @Override
  public Offer offer(Ticket ticket, Watcher watcher) {
    startListening();
    long id = db.one("queue job " + ticket.jobId() + " of " + ticket.executionId(), "WITH j AS (INSERT INTO pk_job (execution_id, pipeline_id,"
        + " stage_id, job_id, attempt, runs_on, scheduler, state) VALUES (?, ?, ?, ?, ?, ?, ?, 'QUEUED')"
        + " ON CONFLICT (execution_id, stage_id, job_id, attempt) DO UPDATE SET scheduler = excluded.scheduler RETURNING id)"
        + " SELECT id, pg_notify('pk_job', 'queued') FROM j", s -> {
          s.setString(1, ticket.executionId());
          s.setString(2, ticket.pipelineId());
          s.setString(3, ticket.stageId());
          s.setString(4, ticket.jobId());
          s.setInt(5, ticket.attempt());
          s.setArray(6, s.getConnection().createArrayOf("text", ticket.runsOn().toArray()));
          s.setString(7, host);
        }, r -> r.getLong(1)).orElseThrow();
    watched.put(id, new Watched(ticket, watcher, new boolean[1]));
    return offerOf(id);
  }

  private Offer offerOf(long id) {
    return (reason, timeout) -> {
      int withdrawn = db.update("withdraw a queued job", "DELETE FROM pk_job WHERE id = ? AND state = 'QUEUED'", s -> s.setLong(1, id));
      if (withdrawn == 1) {
        watched.remove(id);
        return true;
      }
      ObjectNode n = JSON.createObjectNode().put("reason", reason).put("timeout", timeout);
      db.one("ask for a job to stop", "WITH c AS (UPDATE pk_job SET cancel = ? WHERE id = ? AND state = 'CLAIMED' RETURNING id)"
          + " SELECT id, pg_notify('pk_job', 'cancel') FROM c", s -> {
            s.setString(1, n.toString());
            s.setLong(2, id);
          }, r -> 0);
      return false;
    };
  }

  @Override
  public List<Adopted> adopt(String executionId, Function<Ticket, Watcher> watchers) {
    startListening();
    record Row(long id, Ticket ticket, State state, Optional<String> host, Optional<String> outcome) {}
    List<Row> rows = db.query("take over the jobs of " + executionId, "UPDATE pk_job SET scheduler = ? WHERE execution_id = ?"
        + " RETURNING id, pipeline_id, stage_id, job_id, attempt, runs_on, state, host, outcome", s -> {
          s.setString(1, host);
          s.setString(2, executionId);
        }, r -> new Row(r.getLong(1), new Ticket(executionId, r.getString(2), r.getString(3), r.getString(4), r.getInt(5),
            Set.of((String[]) r.getArray(6).getArray())), State.valueOf(r.getString(7)), Optional.ofNullable(r.getString(8)),
            Optional.ofNullable(r.getString(9))));
    Map<String, Row> newest = new LinkedHashMap<>();
    for (Row row : rows) {
      newest.merge(row.ticket().stageId() + "/" + row.ticket().jobId(), row, (a, b) -> a.ticket().attempt() >= b.ticket().attempt() ? a : b);
    }
    List<Adopted> adopted = new ArrayList<>();
    for (Row row : newest.values()) {
      Watcher watcher = watchers.apply(row.ticket());
      adopted.add(new Adopted(row.ticket(), row.state(), row.host(), offerOf(row.id())));
      String on = row.host().orElse("?");
      switch (row.state()) {
        case DONE -> work.execute(() -> watcher.finished(on, decode(row.outcome().orElse("{}"), executionId)));
        case LOST -> work.execute(() -> watcher.lost(on));
        default -> watched.put(row.id(), new Watched(row.ticket(), watcher, new boolean[] {row.state() == State.CLAIMED}));
      }
    }
    return adopted;
  }

  /** Reads the offered rows that changed: claims seen, ends reported, claims whose lease ran out marked LOST. */
  private void checkWatched() {
    if (watched.isEmpty()) return;
    record Row(long id, String state, String host, String outcome, boolean expired) {}
    Long[] ids = watched.keySet().toArray(new Long[0]);
    List<Row> rows = db.query("read the queued jobs", "SELECT id, state, host, outcome, state = 'CLAIMED' AND lease_until < clock_timestamp()"
        + " FROM pk_job WHERE id = ANY(?) AND state <> 'QUEUED'", s -> s.setArray(1, s.getConnection().createArrayOf("bigint", ids)),
        r -> new Row(r.getLong(1), r.getString(2), r.getString(3), r.getString(4), r.getBoolean(5)));
    for (Row row : rows) {
      Watched w = watched.get(row.id());
      if (w == null) continue;
      if (!w.claimedSeen()[0] && !row.state().equals("LOST")) {
        w.claimedSeen()[0] = true;
        w.watcher().claimed(row.host());
      }
      switch (row.state()) {
        case "DONE" -> {
          watched.remove(row.id());
          w.watcher().finished(row.host(), decode(row.outcome(), w.ticket().executionId()));
        }
        case "LOST" -> {
          watched.remove(row.id());
          w.watcher().lost(row.host());
        }
        default -> {
          if (row.expired() && db.update("mark a job's claim lost", "UPDATE pk_job SET state = 'LOST' WHERE id = ? AND state = 'CLAIMED'"
              + " AND lease_until < clock_timestamp()", s -> s.setLong(1, row.id())) == 1) {
            watched.remove(row.id());
            LOG.info("job {} of {}: host {} stopped renewing its claim; the job runs again", w.ticket().jobId(), w.ticket().executionId(), row.host());
            w.watcher().lost(row.host());
          }
        }
      }
    }
  }

  // ---- the worker's side ----

  @Override
  public AutoCloseable serve(String host, Set<String> labels, int slots, int perPipeline, Worker worker) {
    if (slots < 1) throw new IllegalArgumentException("a host serving the job queue needs 1 slot or more, got " + slots);
    this.host = host;
    this.serving = new Serving(host, labels.toArray(new String[0]), slots, perPipeline, worker);
    long every = Math.max(100, lease.toMillis() / 3);
    heartbeat.scheduleWithFixedDelay(this::renew, every, every, TimeUnit.MILLISECONDS);
    fencing.scheduleWithFixedDelay(this::fence, every / 3, every / 3, TimeUnit.MILLISECONDS);
    startListening();
    work.execute(this::claim);
    return () -> serving = null;
  }

  /** Claims as many queued jobs as this host has free slots for, and starts them. */
  private void claim() {
    Serving s = serving;
    if (s == null || closed) return;
    List<Claimed> claimed;
    synchronized (claiming) {
      int free = s.slots() - running.size();
      if (free <= 0) return;
      long sent = System.nanoTime();
      claimed = s.perPipeline() == Integer.MAX_VALUE ? claimAny(s, free) : claimWithinPipelineLimits(s, free);
      for (Claimed c : claimed) running.put(c.id(), new Running(c.token(), c.ticket(), sent));
    }
    for (Claimed c : claimed) start(s, c);
  }

  private record Claimed(long id, long token, Ticket ticket) {}

  private static final String CLAIMED_COLUMNS = " RETURNING id, token, execution_id, pipeline_id, stage_id, job_id, attempt, runs_on";

  private String claimSet() {
    return "UPDATE pk_job SET state = 'CLAIMED', host = ?, token = nextval('pk_job_token'), lease_until = clock_timestamp() + ?::interval,"
        + " claimed_at = clock_timestamp()";
  }

  private List<Claimed> claimAny(Serving s, int free) {
    return db.query("claim queued jobs", claimSet() + " WHERE id IN (SELECT id FROM pk_job WHERE state = 'QUEUED' AND runs_on <@ ?"
        + " ORDER BY id FOR UPDATE SKIP LOCKED LIMIT ?)" + CLAIMED_COLUMNS, st -> {
          st.setString(1, s.host());
          st.setString(2, lease.toMillis() + " milliseconds");
          st.setArray(3, st.getConnection().createArrayOf("text", s.labels()));
          st.setInt(4, free);
        }, JdbcJobQueue::claimed);
  }

  /** Claims under an advisory lock, taking no more jobs of a pipeline than its limit leaves room for, cluster-wide. */
  private List<Claimed> claimWithinPipelineLimits(Serving s, int free) {
    return db.transaction("claim queued jobs", c -> {
      try (Statement st = c.createStatement()) {
        st.execute("SELECT pg_advisory_xact_lock(" + CLAIM_LOCK + ")");
      }
      Map<String, Integer> busy = new HashMap<>();
      try (Statement st = c.createStatement(); ResultSet r = st.executeQuery("SELECT pipeline_id, count(*) FROM pk_job WHERE state = 'CLAIMED'"
          + " GROUP BY pipeline_id")) {
        while (r.next()) busy.put(r.getString(1), r.getInt(2));
      }
      List<Long> take = new ArrayList<>();
      try (PreparedStatement st = c.prepareStatement("SELECT id, pipeline_id FROM pk_job WHERE state = 'QUEUED' AND runs_on <@ ? ORDER BY id"
          + " LIMIT 1000")) {
        st.setArray(1, c.createArrayOf("text", s.labels()));
        try (ResultSet r = st.executeQuery()) {
          while (r.next() && take.size() < free) {
            String pipeline = r.getString(2);
            if (busy.getOrDefault(pipeline, 0) < s.perPipeline()) {
              busy.merge(pipeline, 1, Integer::sum);
              take.add(r.getLong(1));
            }
          }
        }
      }
      List<Claimed> out = new ArrayList<>();
      if (!take.isEmpty()) {
        try (PreparedStatement st = c.prepareStatement(claimSet() + " WHERE id = ANY(?) AND state = 'QUEUED'" + CLAIMED_COLUMNS)) {
          st.setString(1, s.host());
          st.setString(2, lease.toMillis() + " milliseconds");
          st.setArray(3, c.createArrayOf("bigint", take.toArray()));
          try (ResultSet r = st.executeQuery()) {
            while (r.next()) out.add(claimed(r));
          }
        }
      }
      return out;
    });
  }

  private static Claimed claimed(ResultSet r) throws SQLException {
    Array labels = r.getArray(8);
    return new Claimed(r.getLong(1), r.getLong(2), new Ticket(r.getString(3), r.getString(4), r.getString(5), r.getString(6), r.getInt(7),
        Set.of((String[]) labels.getArray())));
  }

  private void start(Serving s, Claimed c) {
    Running run = running.get(c.id());
    java.util.concurrent.CompletionStage<Outcome> outcome;
    try {
      outcome = s.worker().run(c.ticket(), stop -> run.stop = stop);
    } catch (RuntimeException e) {
      outcome = java.util.concurrent.CompletableFuture.completedFuture(new Outcome(JobExit.error("cannot run the job here: " + e.getMessage()),
          true, Map.of(), List.of()));
    }
    outcome.whenCompleteAsync((o, error) -> {
      Outcome result = error != null ? new Outcome(JobExit.error("the job failed on host " + s.host() + ": " + Database.describe(error)), true,
          Map.of(), List.of()) : o;
      try {
        complete(c, result, run.fenced);
      } catch (RuntimeException e) {
        LOG.warn("job {} of {}: cannot report its end ({}); its claim runs out and it runs again", c.ticket().jobId(),
            c.ticket().executionId(), e.getMessage());
      } finally {
        running.remove(c.id());
      }
      claim();
    }, work);
  }

  /**
   * Writes the outcome where the row still carries this claim's token: a host whose claim was lost changes nothing. A job
   * this host stopped because it could not keep its claim is reported LOST (its scheduler runs it again), not as a cancel.
   */
  private void complete(Claimed c, Outcome outcome, boolean fenced) {
    boolean kept = db.one("report the end of job " + c.ticket().jobId(), "WITH d AS (UPDATE pk_job SET state = ?, outcome = ?, lease_until = NULL"
        + " WHERE id = ? AND token = ? AND state = 'CLAIMED' RETURNING id) SELECT id, pg_notify('pk_job', 'done') FROM d", s -> {
          s.setString(1, fenced ? "LOST" : "DONE");
          s.setString(2, encode(outcome));
          s.setLong(3, c.id());
          s.setLong(4, c.token());
        }, r -> true).orElse(false);
    if (!kept) {
      LOG.info("job {} of {}: this host's claim was lost before it ended; its result is dropped (the job ran again elsewhere)",
          c.ticket().jobId(), c.ticket().executionId());
    }
  }

  /** Renews the leases of the jobs this host runs; stops those it lost and those their scheduler asked to stop. */
  private void renew() {
    if (running.isEmpty() || closed) return;
    try {
      Long[] ids = running.keySet().toArray(new Long[0]);
      long sent = System.nanoTime();
      record Row(long id, long token, String cancel) {}
      List<Row> rows = db.query("renew the claims of host " + host, "UPDATE pk_job SET lease_until = clock_timestamp() + ?::interval"
          + " WHERE id = ANY(?) AND state = 'CLAIMED' AND host = ? RETURNING id, token, cancel", s -> {
            s.setString(1, lease.toMillis() + " milliseconds");
            s.setArray(2, s.getConnection().createArrayOf("bigint", ids));
            s.setString(3, host);
          }, r -> new Row(r.getLong(1), r.getLong(2), r.getString(3)));
      Map<Long, Row> held = new HashMap<>();
      for (Row r : rows) held.put(r.id(), r);
      for (Long id : ids) {
        Running run = running.get(id);
        if (run == null) continue;
        Row row = held.get(id);
        if (row == null || row.token() != run.token) {
          run.fenced = true;
          if (running.containsKey(id)) run.stop("this host lost its claim on the job (it could not renew it in time)", false);
          continue;
        }
        run.renewedAt = sent;
        if (row.cancel() != null) {
          JsonNode n = read(row.cancel());
          run.stop(n.path("reason").asText("cancelled"), n.path("timeout").asBoolean());
        }
      }
    } catch (RuntimeException e) {
      LOG.warn("cannot renew the job claims of host {}: {}", host, e.getMessage());
    }
  }

  /**
   * Stops the jobs whose lease this host could not renew for 60 % of it (the database is out of reach): by the time the
   * lease runs out and another host may claim the job, it no longer runs here. Their ends are written once the database
   * is back, and change nothing if the claim was lost meanwhile.
   */
  private void fence() {
    long limit = lease.toNanos() * 6 / 10;
    long now = System.nanoTime();
    for (Running run : running.values()) {
      if (now - run.renewedAt > limit) {
        if (!run.stopAsked) {
          LOG.warn("job {} of {}: this host could not renew its claim in time (the database is out of reach); stopping it here",
              run.ticket.jobId(), run.ticket.executionId());
        }
        run.fenced = true;
        run.stop("this host could not renew its claim on the job in time; it runs again elsewhere", false);
      }
    }
  }

  // ---- one thread wakes on every change of the queue, or polls ----

  private synchronized void startListening() {
    if (listener != null || closed) return;
    Thread t = daemon(this::listen, "pipelinekit-jobs-listen");
    listener = t;
    t.start();
  }

  private void listen() {
    Listening.loop(dataSource, "pk_job", POLL_MS, () -> closed, woke -> {
      if (woke.contains("cancel")) renew();
      checkWatched();
      claim();
    }, "the job queue");
  }


  @Override
  public void close() {
    closed = true;
    serving = null;
    heartbeat.shutdownNow();
    fencing.shutdownNow();
    work.shutdownNow();
    Listening.stop(listener, POLL_MS);
  }

  // ---- the outcome as JSON ----

  static String encode(Outcome o) {
    ObjectNode n = JSON.createObjectNode();
    n.put("result", o.exit().result().name());
    o.exit().exitCode().ifPresent(v -> n.put("exitCode", v));
    o.exit().reason().ifPresent(v -> n.put("reason", v));
    n.put("retryable", o.retryable());
    ObjectNode outputs = n.putObject("outputs");
    o.outputs().forEach(outputs::put);
    o.events().forEach(e -> n.withArray("events").add(JournalCodec.event(e)));
    return n.toString();
  }

  static Outcome decode(String text, String executionId) {
    JsonNode n = read(text);
    JobExit exit = new JobExit(JobExit.Result.valueOf(n.path("result").asText("ERROR")),
        n.has("exitCode") ? Optional.of(n.get("exitCode").asInt()) : Optional.empty(),
        n.has("reason") ? Optional.of(n.get("reason").asText()) : Optional.empty());
    Map<String, String> outputs = new LinkedHashMap<>();
    n.path("outputs").fields().forEachRemaining(f -> outputs.put(f.getKey(), f.getValue().asText()));
    List<ExecutionEvent> events = new ArrayList<>();
    n.path("events").forEach(e -> events.add(JournalCodec.event(e.asText(), executionId, "the job queue")));
    return new Outcome(exit, n.path("retryable").asBoolean(true), outputs, events);
  }

  private static JsonNode read(String text) {
    try {
      return JSON.readTree(text);
    } catch (java.io.IOException e) {
      throw new IllegalStateException("a job row holds no JSON: " + e.getMessage(), e);
    }
  }
}
