package org.pipelinekit.triggers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.jgit.lib.ObjectId;
import org.pipelinekit.core.PipelineException;
import org.pipelinekit.core.engine.Execution;
import org.pipelinekit.core.engine.ExecutionSnapshot;
import org.pipelinekit.core.engine.PipelineExecutor;
import org.pipelinekit.core.engine.StageRun;
import org.pipelinekit.core.format.PipelineFormat;
import org.pipelinekit.core.format.PipelineFormatException;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.core.model.Trigger;
import org.pipelinekit.core.run.ExecutionEvent;
import org.pipelinekit.core.run.ExecutionStatus;
import org.pipelinekit.core.run.ExecutionTrigger;
import org.pipelinekit.core.service.PipelineService;
import org.pipelinekit.core.spi.SourceProvider;
import org.pipelinekit.core.spi.TriggerLedger;
import org.pipelinekit.core.validate.PipelineValidationException;
import org.pipelinekit.triggers.internal.Globs;
import org.pipelinekit.triggers.internal.Mirror;
import org.pipelinekit.triggers.internal.Schedules;

/**
 * Starts runs by themselves: commits pushed to registered repositories (polled, or announced by a webhook), schedules,
 * and the ends of upstream pipelines. A repository's pipelines are the files of {@code .pipelinekit/} at the commit
 * being built; each one whose {@code push} trigger matches the branch or tag and the changed paths runs, with the commit
 * checked out as its source ({@link #sourceProvider}). Schedules of the stored pipelines fire once between the hosts
 * that share a {@link TriggerLedger}. What arrived and what it started (or why not) is kept as {@link Delivery}s.
 *
 * <pre>{@code
 * Path mirrors = dataDir.resolve("mirrors");
 * PipelineExecutor executor = PipelineExecutor.builder().sourceProvider(Triggers.sourceProvider(mirrors)).build();
 * Triggers triggers = Triggers.builder(executor, service).mirrors(mirrors).build();
 * triggers.register(GitRepository.polled("shop", "https://git.example.com/shop.git", Duration.ofMinutes(1)));
 * }</pre>
 */
public final class Triggers implements AutoCloseable {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Triggers.class);
  private static final String CI_DIRECTORY = ".pipelinekit";
  private final PipelineExecutor executor;
  private final PipelineService service;
  private final Path mirrors;
  private final TriggerLedger ledger;
  private final Clock clock;
  private final Schedules schedules;
  private final Map<String, GitRepository> repositories = new ConcurrentHashMap<>();
  private final Map<String, Mirror> mirrorsById = new ConcurrentHashMap<>();
  private final ArrayDeque<Delivery> deliveries = new ArrayDeque<>();
  private final ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "pipelinekit-triggers");
    t.setDaemon(true);
    return t;
  });
  private volatile boolean closed;
  private final java.util.Optional<org.pipelinekit.core.spi.SecretStore> secrets;
  private final java.util.function.Function<String, String> links;
  private final org.pipelinekit.triggers.internal.StatusPoster statuses;

  /** What to do with the fires of a schedule that were missed while no host ran (or that are late). */
  public enum MissedFires {
    /** One run for the fires missed, at the next tick. */
    RUN_ONCE,
    /** No run for them; the next fire on time runs. */
    SKIP
  }

  private Triggers(Builder b) {
    this.executor = b.executor;
    this.service = b.service;
    this.mirrors = b.mirrors;
    this.ledger = b.ledger;
    this.clock = b.clock;
    this.schedules = new Schedules(ledger, b.missed);
    this.secrets = b.secrets;
    this.links = b.links;
    this.statuses = new org.pipelinekit.triggers.internal.StatusPoster(worker);
    executor.listen(event -> {
      if (closed) return;
      if (event instanceof ExecutionEvent.ExecutionStarted st) worker.execute(() -> report(st.executionId(), false));
      if (event instanceof ExecutionEvent.ExecutionFinished f) {
        worker.execute(() -> report(f.executionId(), true));
        worker.execute(() -> upstreamEnded(f.executionId()));
      }
    });
    syncRepositories(); // the ones kept before a restart, or by other hosts
    if (!b.tick.isZero()) {
      long every = b.tick.toMillis();
      worker.scheduleWithFixedDelay(this::tickQuietly, every, every, TimeUnit.MILLISECONDS);
    }
  }

  public static Builder builder(PipelineExecutor executor, PipelineService service) {
    return new Builder(executor, service);
  }

  /**
   * The source of executions started for a repository's commit: a checkout of the commit from the mirror in
   * {@code mirrors} (hand it to {@code PipelineExecutor.Builder.sourceProvider}).
   */
  public static SourceProvider sourceProvider(Path mirrors) {
    return (header, dir) -> {
      String repo = header.trigger().details().get(ExecutionTrigger.REPOSITORY);
      if (repo == null || header.trigger().commit().isEmpty()) return Optional.empty();
      Path mirror = mirrors.resolve(repo + ".git");
      if (!Files.isDirectory(mirror)) return Optional.empty();
      if (Files.isDirectory(dir)) return Optional.of(dir);
      Mirror m = Mirror.open(mirror);
      String commit = header.trigger().commit().get();
      if (m.resolve(commit).isEmpty()) m.fetch(); // another host saw the push first
      return Optional.of(m.checkout(commit, dir));
    };
  }

  // ---- repositories and pushes ----

  /**
   * Registers a repository on this host: its mirror is fetched now (the refs it finds are the baseline: they start
   * nothing), and then every poll interval, a failure doubling the wait up to ten intervals.
   */
  public void register(GitRepository repository) throws IOException {
    register(repository, false);
  }

  /**
   * Registers a repository; {@code keep}: also for the hosts sharing the ledger and after a restart (its webhook secret
   * sealed in the secret store as {@code WEBHOOK_SECRET_<ID>}, so it needs one when it has a secret), as the API's
   * registrations are; a repository a host registers at each start (in code, or {@code serve --watch} of a path on its
   * disk) needs not be kept.
   */
  public synchronized void register(GitRepository repository, boolean keep) throws IOException {
    Objects.requireNonNull(repository, "repository");
    if (mirrors == null) throw new IllegalStateException("repositories need a mirrors directory (Triggers.Builder.mirrors)");
    if (keep && repository.webhookSecret().isPresent() && secrets.isEmpty()) {
      throw new IllegalStateException("repository " + repository.id() + " has a webhook secret, and these triggers have no secret store to"
          + " keep it in (Triggers.Builder.secrets)");
    }
    Files.createDirectories(mirrors);
    Mirror mirror = new Mirror(mirrors.resolve(repository.id() + ".git"), repository.url());
    if (!mirror.exists()) mirror.fetch(credentials(repository));
    boolean known = repositories.put(repository.id(), repository) != null;
    mirrorsById.put(repository.id(), mirror);
    if (!known && !repository.pollInterval().isZero()) schedulePoll(repository.id(), repository.pollInterval());
    if (keep) keep(repository);
  }

  private Optional<String> credentials(GitRepository repo) {
    return repo.credentialsSecret().flatMap(name -> secrets.flatMap(s -> s.get(name)));
  }

  private static final String KEPT = "repositories";

  /** Adds the repository to the list the ledger keeps (its webhook secret in the secret store). */
  private void keep(GitRepository r) {
    String secretName = "WEBHOOK_SECRET_" + r.id().toUpperCase(java.util.Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    r.webhookSecret().ifPresent(v -> secrets.orElseThrow().put(secretName, v));
    com.fasterxml.jackson.databind.node.ObjectNode n = JSON.createObjectNode().put("id", r.id()).put("url", r.url())
        .put("defaultBranch", r.defaultBranch()).put("pollSeconds", r.pollInterval().toSeconds());
    if (r.webhookSecret().isPresent()) n.put("webhookSecret", secretName);
    r.credentialsSecret().ifPresent(c -> n.put("credentialsSecret", c));
    r.statuses().ifPresent(st -> n.putObject("statuses").put("forge", st.forge()).put("api", st.api().toString()).put("project", st.project())
        .put("tokenSecret", st.tokenSecret()));
    com.fasterxml.jackson.databind.node.ArrayNode all = keptRepositories();
    com.fasterxml.jackson.databind.node.ArrayNode next = JSON.createArrayNode();
    for (com.fasterxml.jackson.databind.JsonNode old : all) if (!old.path("id").asText().equals(r.id())) next.add(old);
    next.add(n);
    ledger.put(KEPT, next.toString());
  }

  private com.fasterxml.jackson.databind.node.ArrayNode keptRepositories() {
    try {
      com.fasterxml.jackson.databind.JsonNode n = JSON.readTree(ledger.get(KEPT).orElse("[]"));
      return n instanceof com.fasterxml.jackson.databind.node.ArrayNode a ? a : JSON.createArrayNode();
    } catch (IOException e) {
      LOG.warn("the kept repositories cannot be read ({}); registering them again will keep them anew", e.getMessage());
      return JSON.createArrayNode();
    }
  }

  /** Registers here the repositories kept in the ledger that this host does not have yet (another host's, or before a restart). */
  private void syncRepositories() {
    for (com.fasterxml.jackson.databind.JsonNode n : keptRepositories()) {
      String id = n.path("id").asText();
      if (repositories.containsKey(id)) continue;
      try {
        Optional<String> hook = n.hasNonNull("webhookSecret") ? secrets.flatMap(s -> s.get(n.path("webhookSecret").asText())) : Optional.empty();
        JsonNodeStatuses st = new JsonNodeStatuses(n.path("statuses"));
        GitRepository r = new GitRepository(id, n.path("url").asText(), n.path("defaultBranch").asText("main"), hook,
            Duration.ofSeconds(n.path("pollSeconds").asLong(60)), st.get(), n.hasNonNull("credentialsSecret")
            ? Optional.of(n.path("credentialsSecret").asText()) : Optional.empty());
        register(r, false);
        LOG.info("repository {} ({}) registered here from the kept list", id, r.url());
      } catch (IOException | RuntimeException e) {
        LOG.warn("repository {} cannot be registered here: {}", id, e.getMessage());
      }
    }
  }

  private record JsonNodeStatuses(com.fasterxml.jackson.databind.JsonNode n) {
    Optional<CommitStatuses> get() {
      if (!n.isObject()) return Optional.empty();
      return Optional.of(new CommitStatuses(n.path("forge").asText(), java.net.URI.create(n.path("api").asText()), n.path("project").asText(),
          n.path("tokenSecret").asText()));
    }
  }

  private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

  public List<GitRepository> repositories() {
    return List.copyOf(repositories.values());
  }

  private void schedulePoll(String id, Duration wait) {
    if (closed) return;
    worker.schedule(() -> {
      GitRepository r = repositories.get(id);
      if (r == null) return;
      Duration next = r.pollInterval();
      try {
        poll(id);
      } catch (IOException | RuntimeException e) {
        next = wait.multipliedBy(2).compareTo(r.pollInterval().multipliedBy(10)) > 0 ? r.pollInterval().multipliedBy(10) : wait.multipliedBy(2);
        LOG.warn("repository {}: {}; polling again in {} s", id, e.getMessage(), next.toSeconds());
      }
      schedulePoll(id, next);
    }, wait.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Fetches the repository and starts the runs of what was pushed since the last fetch; what each push did. */
  public synchronized List<Delivery> poll(String repositoryId) throws IOException {
    GitRepository repo = repository(repositoryId);
    Mirror mirror = mirrorsById.get(repositoryId);
    Map<String, ObjectId>[] refs = mirror.fetch(credentials(repo));
    List<Delivery> out = new ArrayList<>();
    for (Map.Entry<String, ObjectId> e : refs[1].entrySet()) {
      ObjectId before = refs[0].get(e.getKey());
      if (e.getValue().equals(before)) continue;
      out.add(push(repo, e.getKey(), Optional.ofNullable(before), e.getValue(), "poll", Map.of()));
    }
    return out;
  }

  private GitRepository repository(String id) {
    GitRepository repo = repositories.get(id);
    if (repo == null) {
      throw new PipelineException(org.pipelinekit.core.ErrorCode.REPOSITORY_UNKNOWN, "no repository '" + id + "' is registered; registered: "
          + repositories.keySet().stream().sorted().toList());
    }
    return repo;
  }

  /** A push of {@code after} to {@code ref}: every pipeline of the commit whose push trigger matches runs, once in the cluster. */
  Delivery push(GitRepository repo, String ref, Optional<ObjectId> before, ObjectId after, String source, Map<String, String> details)
      throws IOException {
    return changed(repo, ref, before, after, source, details, Optional.empty());
  }

  /**
   * A push, or ({@code baseBranch} given) a pull request whose head is {@code after}: the pipelines of the commit whose
   * trigger of that kind matches run, once in the cluster.
   */
  private Delivery changed(GitRepository repo, String ref, Optional<ObjectId> before, ObjectId after, String source, Map<String, String> details,
      Optional<String> baseBranch) throws IOException {
    Mirror mirror = mirrorsById.get(repo.id());
    String sha = after.name();
    String event = baseBranch.isPresent() ? "pull-request" : ref.startsWith("refs/tags/") ? "tag" : "push";
    String name = ref.replaceFirst("^refs/(heads|tags)/", "");
    String summary = repo.id() + " " + ref + " " + sha.substring(0, 12);
    List<String> started = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    if (!ledger.once(event + ":" + repo.id() + ":" + ref + baseBranch.map(b -> "->" + b).orElse("") + ":" + sha)) {
      skipped.add("another delivery or host started the runs of this " + event + " already");
      return record(new Delivery(deliveryId(), clock.instant(), source, event, summary, started, skipped));
    }
    String[] commit = mirror.describe(after);
    List<String> changed = null;
    for (Map.Entry<String, String> file : mirror.files(after, CI_DIRECTORY).entrySet()) {
      String path = file.getKey();
      if (!path.endsWith(".yaml") && !path.endsWith(".yml") && !path.endsWith(".json")) continue;
      Pipeline p;
      try {
        p = PipelineFormat.forFileName(path).read(file.getValue(), path);
      } catch (PipelineFormatException e) {
        skipped.add(path + ": " + e.getMessage());
        continue;
      }
      Optional<String> why = Optional.of(baseBranch.isPresent() ? "no pull-request trigger" : "no push trigger");
      for (Trigger t : p.triggers()) {
        if (baseBranch.isEmpty() && t instanceof Trigger.Push push) {
          if (changed == null && !push.paths().isEmpty()) changed = mirror.changed(before, after);
          why = Globs.mismatch(push, event.equals("tag") ? Optional.empty() : Optional.of(name), event.equals("tag") ? Optional.of(name)
              : Optional.empty(), changed == null ? List.of() : changed);
        } else if (baseBranch.isPresent() && t instanceof Trigger.PullRequest pr) {
          if (changed == null && !pr.paths().isEmpty()) changed = mirror.changed(mirror.mergeBase(baseBranch.get(), after), after);
          why = Globs.mismatch(new Trigger.Push(pr.branches(), List.of(), pr.paths()), baseBranch, Optional.empty(),
              changed == null ? List.of() : changed).map(w -> w.replace("branch ", "base branch "));
        } else {
          continue;
        }
        if (why.isEmpty()) break;
      }
      if (why.isPresent()) {
        skipped.add(p.id() + ": " + why.get());
        continue;
      }
      ExecutionTrigger trigger = new ExecutionTrigger(event, Optional.of(name), Optional.of(sha), Optional.of(commit[1]), details)
          .detail(ExecutionTrigger.REPOSITORY, repo.id()).detail("message", commit[0]).detail("author", commit[1])
          .detail("authorEmail", commit[2]).detail("ref", ref);
      if (event.equals("tag")) trigger = trigger.detail("tag", name);
      if (baseBranch.isPresent()) trigger = trigger.detail("baseBranch", baseBranch.get());
      try {
        started.add(start(p, trigger, baseBranch.isEmpty() && name.equals(repo.defaultBranch())).id());
      } catch (PipelineValidationException e) {
        skipped.add(p.id() + ": " + e.getMessage());
      }
    }
    return record(new Delivery(deliveryId(), clock.instant(), source, event, summary, started, skipped));
  }

  /** Keeps the pipeline in the store (as the default branch has it), then runs the version of the commit. */
  private Execution start(Pipeline p, ExecutionTrigger trigger, boolean defaultBranch) {
    Optional<Pipeline> stored = service.get(p.id());
    if (stored.isEmpty()) {
      service.create(p);
    } else if (defaultBranch && !same(stored.get(), p)) {
      service.update(p, stored.get().version());
    }
    return executor.execute(p, trigger, Map.of());
  }

  private static boolean same(Pipeline a, Pipeline b) {
    return PipelineFormat.JSON.write(a.toBuilder().version(1).build()).equals(PipelineFormat.JSON.write(b.toBuilder().version(1).build()));
  }

  // ---- webhooks ----

  /** What a webhook delivery got: the HTTP status to answer, a message for the forge's delivery log, and the delivery kept. */
  public record WebhookResult(int status, String message, Optional<Delivery> delivery) {}

  /**
   * Handles a webhook delivery of {@code forge} (github, gitlab, gitea, forgejo, bitbucket) for a registered repository: its
   * signature (or token) checked against the repository's secret (401 when it does not match, 404 for an unknown
   * repository), the repository fetched, and the push, tag or pull request started as a poll would; the same delivery
   * id twice starts nothing the second time.
   */
  public WebhookResult webhook(String forge, String repositoryId, java.util.function.Function<String, Optional<String>> header, byte[] body) {
    GitRepository repo = repositories.get(repositoryId);
    if (repo == null) return new WebhookResult(404, "no repository '" + repositoryId + "' is registered here", Optional.empty());
    if (repo.webhookSecret().isEmpty()) {
      return new WebhookResult(403, "repository " + repositoryId + " takes no webhooks: register it with a webhook secret", Optional.empty());
    }
    org.pipelinekit.triggers.internal.Webhooks.Hook hook;
    try {
      hook = org.pipelinekit.triggers.internal.Webhooks.read(forge, repo.webhookSecret().get(), header, body);
    } catch (org.pipelinekit.triggers.internal.Webhooks.Refused e) {
      return new WebhookResult(e.status, e.getMessage(), Optional.empty());
    }
    String source = "webhook:" + forge;
    if (!hook.deliveryId().isEmpty() && !ledger.once("delivery:" + forge + ":" + repositoryId + ":" + hook.deliveryId())) {
      return new WebhookResult(200, "delivery " + hook.deliveryId() + " was handled before; it starts nothing again", Optional.empty());
    }
    if (!hook.kind().equals("push") && !hook.kind().equals("pull-request")) {
      Delivery d = record(new Delivery(deliveryId(), clock.instant(), source, hook.kind(), repositoryId + " " + hook.why(), List.of(),
          List.of(hook.why())));
      return new WebhookResult(200, hook.why(), Optional.of(d));
    }
    try {
      Mirror mirror = mirrorsById.get(repositoryId);
      synchronized (this) {
        mirror.fetch(credentials(repo));
      }
      Optional<ObjectId> after = mirror.resolve(hook.after());
      if (after.isEmpty()) {
        return new WebhookResult(422, "commit " + hook.after() + " is not in " + repo.url() + " (fetched just now)", Optional.empty());
      }
      Map<String, String> details = new LinkedHashMap<>();
      details.put("delivery", hook.deliveryId());
      hook.compareUrl().ifPresent(u -> details.put(hook.kind().equals("push") ? "compareUrl" : "pullRequestUrl", u));
      hook.number().ifPresent(n -> details.put("pullRequest", n));
      hook.actor().ifPresent(a -> details.put("pusher", a));
      Optional<ObjectId> before = hook.before().filter(b -> !b.matches("0+")).flatMap(b -> {
        try {
          return mirror.resolve(b);
        } catch (IOException e) {
          return Optional.empty();
        }
      });
      Delivery d = changed(repo, hook.ref(), before, after.get(), source, details, hook.baseBranch());
      return new WebhookResult(202, d.started().isEmpty() ? "started nothing: " + String.join("; ", d.skipped())
          : "started " + String.join(", ", d.started()), Optional.of(d));
    } catch (IOException e) {
      LOG.warn("repository {}: a {} webhook could not be handled: {}", repositoryId, forge, e.getMessage());
      return new WebhookResult(503, "the repository cannot be fetched now: " + e.getMessage(), Optional.empty());
    }
  }

  // ---- schedules ----

  /**
   * Registers the repositories other hosts kept meanwhile, then fires the schedules of the stored pipelines that are due
   * by the clock (the worker does it every tick; tests call it).
   */
  public synchronized List<Delivery> tick() {
    syncRepositories();
    List<Delivery> out = new ArrayList<>();
    Instant now = clock.instant();
    for (Pipeline p : service.list()) {
      for (int i = 0; i < p.triggers().size(); i++) {
        if (!(p.triggers().get(i) instanceof Trigger.Schedule s)) continue;
        Optional<Instant> fire;
        try {
          fire = schedules.due(p.id(), i, s, now);
        } catch (RuntimeException e) {
          LOG.warn("pipeline {}: its schedule '{}' cannot be computed: {}", p.id(), s.cron(), e.getMessage());
          continue;
        }
        if (fire.isEmpty()) continue;
        ExecutionTrigger trigger = ExecutionTrigger.of("schedule").detail("scheduledAt", fire.get().toString()).detail("cron", s.cron());
        Execution e = executor.execute(p, trigger, Map.of());
        out.add(record(new Delivery(deliveryId(), now, "schedule", "schedule", p.id() + " at " + fire.get(), List.of(e.id()), List.of())));
      }
    }
    return out;
  }

  private void tickQuietly() {
    try {
      tick();
    } catch (RuntimeException e) {
      LOG.warn("the schedules could not be checked: {}", e.getMessage());
    }
  }

  /** The next {@code count} fire times of the pipeline's schedules, in order. */
  public List<Instant> nextFires(String pipelineId, int count) {
    Pipeline p = service.get(pipelineId).orElseThrow(() -> new PipelineException(org.pipelinekit.core.ErrorCode.PIPELINE_UNKNOWN,
        "no pipeline '" + pipelineId + "' is stored"));
    return schedules.next(p, clock.instant(), count);
  }

  // ---- commit statuses ----

  /** Posts the run's state to its repository's forge, when the run builds a commit of a repository that reports back. */
  private void report(String executionId, boolean ended) {
    try {
      Optional<Execution> e = executor.execution(executionId);
      if (e.isEmpty()) return;
      ExecutionSnapshot s = e.get().snapshot();
      ExecutionTrigger t = s.header().trigger();
      GitRepository repo = Optional.ofNullable(t.details().get(ExecutionTrigger.REPOSITORY)).map(repositories::get).orElse(null);
      if (repo == null || repo.statuses().isEmpty() || t.commit().isEmpty()) return;
      CommitStatuses to = repo.statuses().get();
      Optional<String> token = secrets.flatMap(st -> st.get(to.tokenSecret()));
      if (token.isEmpty()) {
        LOG.warn("repository {}: no secret {} holds the token for its commit statuses; set it with 'pipelinekit secrets set {}'", repo.id(),
            to.tokenSecret(), to.tokenSecret());
        return;
      }
      org.pipelinekit.triggers.internal.StatusPoster.State state = !ended ? org.pipelinekit.triggers.internal.StatusPoster.State.PENDING
          : switch (s.status()) {
            case SUCCEEDED -> org.pipelinekit.triggers.internal.StatusPoster.State.SUCCESS;
            case FAILED, TIMED_OUT -> org.pipelinekit.triggers.internal.StatusPoster.State.FAILURE;
            default -> org.pipelinekit.triggers.internal.StatusPoster.State.ERROR;
          };
      String description = !ended ? "running" : s.status().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')
          + s.reason().map(r -> ": " + r).orElse("") + s.duration().map(d -> " in " + org.pipelinekit.core.model.Durations.format(d)).orElse("");
      statuses.post(to, token.get(), t.commit().get(), state, "pipelinekit/" + s.header().pipelineId(), links.apply(executionId), description);
    } catch (RuntimeException ex) {
      LOG.warn("execution {}: its commit status was not posted: {}", executionId, ex.getMessage());
    }
  }

  // ---- upstream pipelines ----

  private void upstreamEnded(String executionId) {
    Optional<Execution> ended = executor.execution(executionId);
    if (ended.isEmpty()) return;
    ExecutionSnapshot s = ended.get().snapshot();
    String upstream = s.header().pipelineId();
    List<String> started = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    for (Pipeline p : service.list()) {
      for (Trigger t : p.triggers()) {
        if (!(t instanceof Trigger.Upstream u) || !u.pipeline().equals(upstream)) continue;
        Optional<String> why = Globs.upstreamMismatch(u, s.status(), s.header().trigger().branch());
        if (why.isPresent()) {
          skipped.add(p.id() + ": " + why.get());
          continue;
        }
        if (!ledger.once("upstream:" + executionId + ":" + p.id())) continue;
        ExecutionTrigger from = s.header().trigger();
        ExecutionTrigger trigger = new ExecutionTrigger("upstream", from.branch(), from.commit(), from.actor(), Map.of())
            .detail("upstream.execution", executionId).detail("upstream.pipeline", upstream);
        String repo = from.details().get(ExecutionTrigger.REPOSITORY);
        if (repo != null) trigger = trigger.detail(ExecutionTrigger.REPOSITORY, repo);
        for (Map.Entry<String, String> o : outputs(s).entrySet()) trigger = trigger.detail(ExecutionTrigger.UPSTREAM_OUTPUTS + o.getKey(), o.getValue());
        try {
          started.add(executor.execute(p, trigger, Map.of()).id());
        } catch (RuntimeException e) {
          skipped.add(p.id() + ": " + e.getMessage());
        }
        break;
      }
    }
    if (!started.isEmpty() || !skipped.isEmpty()) {
      record(new Delivery(deliveryId(), clock.instant(), "upstream", "upstream", upstream + " " + executionId + " " + s.status(), started, skipped));
    }
  }

  /** The outputs of every stage of a run, later stages' over earlier ones'. */
  private static Map<String, String> outputs(ExecutionSnapshot s) {
    Map<String, String> out = new LinkedHashMap<>();
    for (StageRun st : s.stages().values()) out.putAll(st.outputs());
    return out;
  }

  // ---- deliveries ----

  private Delivery record(Delivery d) {
    synchronized (deliveries) {
      deliveries.addFirst(d);
      while (deliveries.size() > 500) deliveries.removeLast();
    }
    for (java.util.function.Consumer<Delivery> l : listeners) {
      try {
        l.accept(d);
      } catch (RuntimeException e) {
        LOG.warn("a delivery listener failed: {}", e.getMessage());
      }
    }
    return d;
  }

  /** Hears every delivery of this host as it is recorded (on the thread that handled it). */
  public void onDelivery(java.util.function.Consumer<Delivery> listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  private final List<java.util.function.Consumer<Delivery>> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();

  /** The most recent deliveries first (the last 500 of this host). */
  public List<Delivery> deliveries() {
    synchronized (deliveries) {
      return List.copyOf(deliveries);
    }
  }

  private static String deliveryId() {
    return java.util.UUID.randomUUID().toString();
  }

  @Override
  public void close() {
    closed = true;
    worker.shutdownNow();
  }

  /** Configures the triggers of one host. */
  public static final class Builder {
    private final PipelineExecutor executor;
    private final PipelineService service;
    private Path mirrors;
    private TriggerLedger ledger = TriggerLedger.inMemory();
    private Clock clock = Clock.systemUTC();
    private Duration tick = Duration.ofSeconds(10);
    private MissedFires missed = MissedFires.RUN_ONCE;
    private java.util.Optional<org.pipelinekit.core.spi.SecretStore> secrets = java.util.Optional.empty();
    private java.util.function.Function<String, String> links = id -> "#/executions/" + id;

    private Builder(PipelineExecutor executor, PipelineService service) {
      this.executor = Objects.requireNonNull(executor, "executor");
      this.service = Objects.requireNonNull(service, "service");
    }

    /** Where the repositories' mirrors are kept (the same directory as {@link Triggers#sourceProvider}'s). */
    public Builder mirrors(Path dir) {
      this.mirrors = dir.toAbsolutePath().normalize();
      return this;
    }

    /** What the hosts' triggers have done, shared between hosts so that each schedule fire and push starts runs once. */
    public Builder ledger(TriggerLedger ledger) {
      this.ledger = Objects.requireNonNull(ledger, "ledger");
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** How often the schedules are checked (default 10 s; zero: only when {@link Triggers#tick} is called). */
    public Builder scheduleTick(Duration every) {
      if (every.isNegative()) throw new IllegalArgumentException("the schedule tick must be zero or more, got " + every);
      this.tick = every;
      return this;
    }

    /** What becomes of schedule fires missed while no host ran (default {@link MissedFires#RUN_ONCE}). */
    public Builder missedFires(MissedFires policy) {
      this.missed = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /** Where the tokens of repositories' commit statuses are ({@link CommitStatuses#tokenSecret}). */
    public Builder secrets(org.pipelinekit.core.spi.SecretStore secrets) {
      this.secrets = java.util.Optional.of(Objects.requireNonNull(secrets, "secrets"));
      return this;
    }

    /** The address of an execution's page, linked from the commit statuses (default: a relative {@code #/executions/<id>}). */
    public Builder executionLinks(java.util.function.Function<String, String> link) {
      this.links = Objects.requireNonNull(link, "link");
      return this;
    }

    public Triggers build() {
      return new Triggers(this);
    }
  }
}
