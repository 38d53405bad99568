package org.pipelinekit.notify;

import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.pipelinekit.core.engine.EventListener;
import org.pipelinekit.core.engine.Execution;
import org.pipelinekit.core.engine.ExecutionSnapshot;
import org.pipelinekit.core.engine.PipelineExecutor;
import org.pipelinekit.core.model.NotifyRule;
import org.pipelinekit.core.model.NotifyRule.Event;
import org.pipelinekit.core.run.ExecutionEvent;
import org.pipelinekit.core.run.ExecutionHeader;
import org.pipelinekit.core.run.ExecutionStatus;
import org.pipelinekit.core.secret.ProtectedBranches;
import org.pipelinekit.core.spi.SecretStore;
import org.pipelinekit.notify.internal.Channels;
import org.pipelinekit.notify.internal.Email;
import org.pipelinekit.notify.internal.Http;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out the pipelines' notify rules: attach its {@link #listener()} to the executor, and each run that starts,
 * waits for an approval, succeeds, fails, is fixed (succeeds after its branch's previous run did not) or is cancelled tells
 * the channels of the rules that ask for it, on the run's branch. Sending happens on a thread of its own, never in the
 * engine's way; a failed attempt is tried again with a growing pause when it may help (a timeout, a 5xx), and a
 * notification that cannot be delivered never fails the run: it is on the run's record ({@link #deliveries}) and in the
 * host's log.
 *
 * <pre>{@code
 * Notifier notifier = Notifier.builder().secrets(secrets).links(id -> "https://ci.example.org/#/executions/" + id).build();
 * PipelineExecutor executor = PipelineExecutor.builder().listener(notifier.listener()).build();
 * notifier.attach(executor);
 * }</pre>
 */
public final class Notifier implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Notifier.class);
  private static final Pattern SECRET = Pattern.compile("\\$\\{\\{\\s*secrets\\.([A-Za-z_][A-Za-z0-9_]*)\\s*}}");
  private static final Pattern EXPRESSION = Pattern.compile("\\$\\{\\{.*?}}");

  private final Map<String, NotificationChannel> channels;
  private final @Nullable SecretStore secrets;
  private final Function<String, Optional<String>> links;
  private final int attempts;
  private final Duration backoff;
  private final Clock clock;
  private final ExecutorService sender;
  private final List<Consumer<Delivery>> watchers = new CopyOnWriteArrayList<>();
  /** The deliveries of the newest executions (a thousand), by execution. */
  private final Map<String, List<Delivery>> deliveries = Collections.synchronizedMap(new LinkedHashMap<>(64, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, List<Delivery>> eldest) {
      return size() > 1000;
    }
  });
  private volatile @Nullable PipelineExecutor executor;
  /** Runs whose end has been notified (or had nothing to notify), the newest thousand: what {@link #finished} waits for. */
  private final Map<String, java.util.concurrent.CompletableFuture<List<Delivery>>> ended = new LinkedHashMap<>(64, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, java.util.concurrent.CompletableFuture<List<Delivery>>> eldest) {
      return size() > 1000;
    }
  };

  private Notifier(Builder b) {
    Map<String, NotificationChannel> all = new LinkedHashMap<>();
    Http http = new Http(b.http != null ? b.http : Http.defaultClient());
    for (NotificationChannel c : Channels.http(http)) all.put(c.id(), c);
    all.put("email", new Email());
    b.channels.forEach(c -> all.put(c.id(), c)); // a host's own, or its replacement of a built-in
    this.channels = Map.copyOf(all);
    this.secrets = b.secrets;
    this.links = b.links;
    this.attempts = b.attempts;
    this.backoff = b.backoff;
    this.clock = b.clock;
    this.sender = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "pipelinekit-notify");
      t.setDaemon(true);
      return t;
    });
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The channels rules may name. */
  public List<String> channels() {
    return channels.keySet().stream().sorted().toList();
  }

  /** The executor whose runs are notified (it was built with {@link #listener()}). */
  public void attach(PipelineExecutor executor) {
    this.executor = Objects.requireNonNull(executor, "executor");
  }

  /** For {@code PipelineExecutor.Builder.listener}: hears the runs' events and hands the work to the notifier's thread. */
  public EventListener listener() {
    return event -> {
      Event what;
      Optional<String> stage = Optional.empty();
      if (event instanceof ExecutionEvent.ExecutionStarted) {
        what = Event.STARTED;
      } else if (event instanceof ExecutionEvent.ApprovalRequested a) {
        what = Event.APPROVAL_WAITING;
        stage = Optional.of(a.stageId());
      } else if (event instanceof ExecutionEvent.ExecutionFinished f) {
        what = switch (f.status()) {
          case SUCCEEDED -> Event.SUCCEEDED;
          case CANCELLED -> Event.CANCELLED;
          default -> Event.FAILED;
        };
      } else {
        return;
      }
      Optional<String> waiting = stage;
      boolean end = event instanceof ExecutionEvent.ExecutionFinished;
      try {
        sender.execute(() -> {
          try {
            notify(event.executionId(), what, waiting);
          } finally {
            if (end) ended(event.executionId()).complete(deliveries(event.executionId()));
          }
        });
      } catch (java.util.concurrent.RejectedExecutionException closed) {
        // closing: nothing more is sent
      }
    };
  }

  /**
   * Completes, with the run's deliveries, once the notifications of its end have been decided (sent, skipped or failed) —
   * also when it had none; a command that exits after a run waits on it.
   */
  public java.util.concurrent.CompletableFuture<List<Delivery>> finished(String executionId) {
    return ended(executionId);
  }

  private java.util.concurrent.CompletableFuture<List<Delivery>> ended(String executionId) {
    synchronized (ended) {
      return ended.computeIfAbsent(executionId, k -> new java.util.concurrent.CompletableFuture<>());
    }
  }

  /** Called with each delivery as it is decided (sent, skipped or failed). */
  public void onDelivery(Consumer<Delivery> watcher) {
    watchers.add(watcher);
  }

  /** What became of an execution's notifications so far, in order. */
  public List<Delivery> deliveries(String executionId) {
    synchronized (deliveries) {
      return List.copyOf(deliveries.getOrDefault(executionId, List.of()));
    }
  }

  private void notify(String executionId, Event what, Optional<String> waitingStage) {
    PipelineExecutor ex = executor;
    if (ex == null) return;
    Optional<Execution> found = ex.execution(executionId);
    if (found.isEmpty()) return;
    ExecutionHeader header = found.get().header();
    List<NotifyRule> rules = header.pipeline().notifications();
    if (rules.isEmpty()) return;
    ExecutionSnapshot snapshot = found.get().snapshot();
    // (the runs before are read only when a rule asks for fixed)
    boolean fixed = what == Event.SUCCEEDED && rules.stream().anyMatch(r -> r.on().contains(Event.FIXED)) && previousFailed(ex, header);
    for (int i = 0; i < rules.size(); i++) {
      NotifyRule rule = rules.get(i);
      Event event = what == Event.SUCCEEDED && fixed && rule.on().contains(Event.FIXED) ? Event.FIXED : what;
      if (!rule.on().contains(event)) continue;
      if (!rule.branches().isEmpty() && !header.trigger().branch().map(b -> ProtectedBranches.matchesAny(rule.branches(), b)).orElse(false)) {
        continue;
      }
      Notification n = notification(event, header, snapshot, waitingStage);
      deliver(executionId, i, rule, n);
    }
  }

  /** Whether the run before this one of the same pipeline and branch (the newest that ended) failed. */
  private static boolean previousFailed(PipelineExecutor ex, ExecutionHeader header) {
    for (ExecutionSnapshot s : ex.executions(header.pipelineId(), 50)) {
      if (s.header().number() >= header.number() || !s.status().isFinal()) continue;
      if (!s.header().trigger().branch().equals(header.trigger().branch())) continue;
      if (s.status() == ExecutionStatus.CANCELLED) continue;
      return s.status() != ExecutionStatus.SUCCEEDED;
    }
    return false;
  }

  private Notification notification(Event event, ExecutionHeader h, ExecutionSnapshot s, Optional<String> waitingStage) {
    List<String> failed = new ArrayList<>();
    s.stages().values().forEach(st -> {
      if (st.status().countsAsFailure()) failed.add(st.stageId());
    });
    Map<String, String> details = h.trigger().details();
    Optional<String> author = Optional.ofNullable(details.get("author")).or(() -> h.trigger().actor());
    return new Notification(event, h.pipelineId(), h.pipeline().displayName(), h.id(), h.number(), s.status().name(), h.trigger().branch(),
        h.trigger().commit(), author, Optional.ofNullable(details.get("message")), failed, waitingStage, links.apply(h.id()), s.duration(),
        clock.instant());
  }

  private void deliver(String executionId, int index, NotifyRule rule, Notification n) {
    NotificationChannel channel = channels.get(rule.channel());
    if (channel == null) {
      record(new Delivery(executionId, index, rule.channel(), n.event().id(), "failed", "no channel '" + rule.channel() + "' here; the channels are "
          + channels(), 0, clock.instant()));
      return;
    }
    Settings settings;
    try {
      settings = settings(rule);
    } catch (DeliveryException e) {
      record(new Delivery(executionId, index, rule.channel(), n.event().id(), "failed", e.getMessage(), 0, clock.instant()));
      return;
    }
    Duration pause = backoff;
    for (int attempt = 1; ; attempt++) {
      try {
        channel.send(n, settings);
        record(new Delivery(executionId, index, rule.channel(), n.event().id(), "sent", n.title(), attempt, clock.instant()));
        return;
      } catch (Channels.Skipped skipped) {
        record(new Delivery(executionId, index, rule.channel(), n.event().id(), "skipped", skipped.getMessage(), attempt, clock.instant()));
        return;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        record(new Delivery(executionId, index, rule.channel(), n.event().id(), "failed", "stopped while sending", attempt, clock.instant()));
        return;
      } catch (Exception e) {
        boolean retryable = !(e instanceof DeliveryException d) || d.retryable();
        String why = e instanceof DeliveryException ? e.getMessage() : e.getClass().getSimpleName() + ": " + e.getMessage();
        if (!retryable || attempt >= attempts) {
          record(new Delivery(executionId, index, rule.channel(), n.event().id(), "failed", why + (attempt > 1 ? " (after " + attempt + " attempts)" : ""),
              attempt, clock.instant()));
          return;
        }
        try {
          Thread.sleep(pause.toMillis()); // the notifier's own thread: the engine never waits for it
        } catch (InterruptedException stop) {
          Thread.currentThread().interrupt();
          return;
        }
        pause = pause.multipliedBy(2);
      }
    }
  }

  /** The rule's settings with its secrets read in; any other expression is refused (settings are read outside a run). */
  private Settings settings(NotifyRule rule) throws DeliveryException {
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : rule.settings().entrySet()) {
      Matcher m = SECRET.matcher(e.getValue());
      StringBuilder sb = new StringBuilder();
      while (m.find()) {
        String name = m.group(1);
        String value = secrets == null ? null : secrets.get(name).orElse(null);
        if (value == null) throw new DeliveryException(rule.channel() + "." + e.getKey() + " reads secret " + name + ", which is not set", false);
        m.appendReplacement(sb, Matcher.quoteReplacement(value));
      }
      m.appendTail(sb);
      if (EXPRESSION.matcher(sb).find()) {
        throw new DeliveryException(rule.channel() + "." + e.getKey() + ": notify settings read only ${{ secrets.NAME }}", false);
      }
      out.put(e.getKey(), sb.toString());
    }
    return new Settings(rule.channel(), out);
  }

  private void record(Delivery d) {
    deliveries.computeIfAbsent(d.executionId(), k -> Collections.synchronizedList(new ArrayList<>())).add(d);
    if (d.outcome().equals("failed")) {
      LOG.warn("notification {} of {} (rule {}) not delivered: {}", d.channel(), d.executionId(), d.rule() + 1, d.detail());
    }
    for (Consumer<Delivery> w : watchers) {
      try {
        w.accept(d);
      } catch (RuntimeException e) {
        LOG.warn("a delivery watcher failed: {}", e.toString());
      }
    }
  }

  /** Stops sending: what is queued is given five seconds to go out. */
  @Override
  public void close() {
    sender.shutdown();
    try {
      if (!sender.awaitTermination(5, TimeUnit.SECONDS)) sender.shutdownNow();
    } catch (InterruptedException e) {
      sender.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  public static final class Builder {
    private final List<NotificationChannel> channels = new ArrayList<>();
    private @Nullable SecretStore secrets;
    private Function<String, Optional<String>> links = id -> Optional.empty();
    private int attempts = 3;
    private Duration backoff = Duration.ofSeconds(1);
    private Clock clock = Clock.systemUTC();
    private @Nullable HttpClient http;

    private Builder() {}

    /** Where rules' {@code ${{ secrets.NAME }}} come from (the executor's store). */
    public Builder secrets(SecretStore secrets) {
      this.secrets = Objects.requireNonNull(secrets, "secrets");
      return this;
    }

    /** The address of a run's page, for the messages' links. */
    public Builder links(Function<String, String> link) {
      Objects.requireNonNull(link, "link");
      this.links = id -> Optional.ofNullable(link.apply(id));
      return this;
    }

    /** A channel of the host's own (or one replacing a built-in of the same id). */
    public Builder channel(NotificationChannel channel) {
      channels.add(Objects.requireNonNull(channel, "channel"));
      return this;
    }

    /** How many times a delivery is tried when a failure may pass (default 3), the first pause between (default 1 s, doubling). */
    public Builder retries(int attempts, Duration backoff) {
      if (attempts < 1) throw new IllegalArgumentException("attempts must be 1 or more, got " + attempts);
      this.attempts = attempts;
      this.backoff = Objects.requireNonNull(backoff, "backoff");
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** The HTTP client of the web channels (default: the JDK's, 10 s to connect, no redirects). */
    public Builder httpClient(HttpClient http) {
      this.http = Objects.requireNonNull(http, "http");
      return this;
    }

    public Notifier build() {
      return new Notifier(this);
    }
  }
}
