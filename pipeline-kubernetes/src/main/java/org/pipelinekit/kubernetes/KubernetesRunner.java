package org.pipelinekit.kubernetes;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.ExecListener;
import io.fabric8.kubernetes.client.dsl.ExecWatch;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.pipelinekit.core.runner.MachineName;
import org.pipelinekit.core.runner.OutputLines;
import org.pipelinekit.core.runner.StartupTimer;
import org.pipelinekit.core.spi.Runner;
import org.pipelinekit.core.spi.RunningStep;
import org.pipelinekit.core.spi.StepExit;
import org.pipelinekit.core.spi.StepOutput;
import org.pipelinekit.core.spi.StepRequest;
import org.pipelinekit.kubernetes.internal.JobPods;
import org.pipelinekit.kubernetes.internal.PodFailures;
import org.pipelinekit.kubernetes.internal.PodScripts;
import org.pipelinekit.kubernetes.internal.WorkspaceSync;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs steps in Kubernetes pods: one pod per job attempt (see {@link JobPods}), its steps executed in it one after another
 * through the API's exec, each step's output, exit code and {@code $PIPELINE_OUTPUT} coming back as with the other runners.
 * The job's workspace stays on the host, where the engine's sources, caches and artifacts are: before each step what
 * changed there is carried into the pod, after it what the step changed is carried back ({@link WorkspaceSync}), so the
 * pod needs no shared disk and no store credentials.
 *
 * <p>One label-filtered informer follows all of this host's pods: a pod that cannot start (an image that cannot be pulled,
 * no node for it) or that dies under a step (out of memory, deadline, eviction) ends the step with the reason in words.
 * Cancel deletes the job's pod with the engine's grace period (a step after it, such as an {@code always()} one, gets a
 * new pod with the workspace as the host has it). A step's exec that drops is followed again from the byte where it broke.
 * A host that starts again deletes the pods its earlier life left (same {@link Builder#hostId host id}, another
 * incarnation): the engine marks those executions interrupted. The pod's deadline is the stage's timeout plus
 * {@link #DEADLINE_MARGIN}, a backstop for a host that is gone; an idle pod whose host went silent ends by itself.
 *
 * <p>Needs, in its namespace: pods (create, get, list, watch, delete) and pods/exec (create, get); see docs/KUBERNETES.md.
 */
public final class KubernetesRunner implements Runner {
  private static final Logger LOG = LoggerFactory.getLogger(KubernetesRunner.class);
  /** What the pod's deadline adds to the stage's timeout: the engine stops a late step itself first, and cleanly. */
  public static final Duration DEADLINE_MARGIN = Duration.ofMinutes(2);
  private static final int FOLLOW_RETRIES = 5;
  /** How long a step killed by a signal waits for its pod's status to say why (the kubelet reports it after the kill). */
  private static final Duration KILL_REASON_WAIT = Duration.ofSeconds(3);
  /** The most an exec's stdin carries (in one WebSocket message); a larger workspace change goes in pieces. */
  static final int STDIN_MESSAGE = 4 << 20;

  private final KubernetesClient client;
  private final boolean ownsClient;
  private final KubernetesRunnerSettings settings;
  private final String hostId;
  private final String incarnation = UUID.randomUUID().toString();
  private final Set<String> labels;
  private final Duration startTimeout;
  private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "pipelinekit-kubernetes");
    t.setDaemon(true);
    return t;
  });
  private final Map<JobPods.Job, JobPod> pods = new ConcurrentHashMap<>();
  private final Map<String, JobPod> byName = new ConcurrentHashMap<>();
  private final Map<JobPods.Job, AtomicInteger> generations = new ConcurrentHashMap<>(); // (pods made per job attempt)
  private final SharedIndexInformer<Pod> informer;
  private final int removedOrphans;
  private volatile boolean closed;

  private KubernetesRunner(Builder b) {
    this.ownsClient = b.client == null;
    this.client = b.client != null ? b.client : new KubernetesClientBuilder().build();
    this.settings = b.settings;
    this.hostId = b.hostId != null ? b.hostId : MachineName.get();
    this.labels = Set.copyOf(b.labels);
    this.startTimeout = b.startTimeout;
    this.removedOrphans = removeEarlierLives();
    this.informer = watch();
  }

  private SharedIndexInformer<Pod> watch() {
    ResourceEventHandler<Pod> handler = new ResourceEventHandler<>() {
      @Override
      public void onAdd(Pod pod) {
        changed(pod, false);
      }

      @Override
      public void onUpdate(Pod before, Pod pod) {
        changed(pod, false);
      }

      @Override
      public void onDelete(Pod pod, boolean unknownFinalState) {
        changed(pod, true);
      }
    };
    try {
      return client.pods().inNamespace(settings.namespace()).withLabels(JobPods.ownedBy(hostId)).inform(handler, 0);
    } catch (KubernetesClientException e) {
      throw unreachable(e);
    }
  }

  private IllegalStateException unreachable(KubernetesClientException e) {
    if (ownsClient) client.close();
    return new IllegalStateException("cannot watch pods in namespace " + settings.namespace() + " at " + client.getMasterUrl() + ": "
        + apiMessage(e) + "; check the kubeconfig (KUBECONFIG) and the runner's RBAC (docs/KUBERNETES.md)", e);
  }

  public static Builder builder(KubernetesRunnerSettings settings) {
    return new Builder(settings);
  }

  @Override
  public String id() {
    return "kubernetes";
  }

  @Override
  public Set<String> labels() {
    return labels;
  }

  /** How many pods of this host's earlier lives were deleted when the runner started. */
  public int removedOrphans() {
    return removedOrphans;
  }

  /** The names of this host's pods the runner holds now (for tests and diagnostics). */
  public List<String> livePods() {
    return List.copyOf(byName.keySet());
  }

  @Override
  public Optional<String> cannotRun(StepRequest request) {
    if (request.image().isEmpty() && settings.defaultImage().isEmpty()) {
      return Optional.of("the stage names no image and the Kubernetes runner has no default image");
    }
    return Optional.empty();
  }

  @Override
  public RunningStep start(StepRequest request, StepOutput output) {
    PodStep step = new PodStep(request, output);
    if (closed) {
      step.exit.complete(StepExit.runnerError("the Kubernetes runner is closed"));
    } else {
      threads.execute(step::run);
    }
    return step;
  }

  @Override
  public void jobEnded(Map<String, String> stepLabels) {
    generations.remove(JobPods.Job.of(stepLabels));
    JobPod pod = pods.remove(JobPods.Job.of(stepLabels));
    if (pod != null) delete(pod, Duration.ZERO);
  }

  @Override
  public void close() {
    if (closed) return;
    closed = true;
    for (JobPod pod : List.copyOf(pods.values())) delete(pod, Duration.ZERO);
    pods.clear();
    informer.close();
    threads.shutdownNow();
    try {
      threads.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (ownsClient) client.close();
  }

  // ---- pods ----

  /** A job attempt's pod, as this host knows it. */
  private final class JobPod {
    final String name;
    final WorkspaceSync sync;
    final CompletableFuture<Void> running = new CompletableFuture<>();
    final CompletableFuture<String> ended = new CompletableFuture<>(); // (why it can run no more step)
    final AtomicInteger steps = new AtomicInteger();

    JobPod(String name, Path workspace) {
      this.name = name;
      this.sync = new WorkspaceSync(workspace);
    }
  }

  private void changed(Pod pod, boolean deleted) {
    JobPod p = byName.get(pod.getMetadata().getName());
    if (p == null) return;
    Optional<String> failure = PodFailures.reason(pod);
    if (failure.isPresent()) {
      p.running.completeExceptionally(new PodTrouble(failure.get()));
      p.ended.complete(failure.get());
    } else if (deleted) {
      p.running.completeExceptionally(new PodTrouble("pod " + p.name + " was deleted"));
      p.ended.complete("pod " + p.name + " was deleted");
    } else if (pod.getStatus() != null && "Running".equals(pod.getStatus().getPhase())) {
      p.running.complete(null);
    } else if (pod.getStatus() != null && "Succeeded".equals(pod.getStatus().getPhase())) {
      p.ended.complete("pod " + p.name + " ended");
    }
  }

  private JobPod podFor(StepRequest request) {
    JobPods.Job job = JobPods.Job.of(request.labels());
    return pods.computeIfAbsent(job, j -> {
      String image = request.image().or(settings::defaultImage).orElseThrow();
      Optional<Duration> deadline = request.jobTimeout().map(t -> t.plus(DEADLINE_MARGIN));
      int generation = generations.computeIfAbsent(j, k -> new AtomicInteger()).incrementAndGet();
      Pod spec = JobPods.pod(j, generation, image, request.resources(), deadline, hostId, incarnation, settings);
      JobPod pod = new JobPod(spec.getMetadata().getName(), request.workspace());
      byName.put(pod.name, pod);
      try {
        client.pods().inNamespace(settings.namespace()).resource(spec).create();
      } catch (KubernetesClientException e) {
        byName.remove(pod.name);
        throw new PodTrouble("cannot create pod " + pod.name + " in namespace " + settings.namespace() + ": " + apiMessage(e));
      }
      // the informer may have seen the pod before it was registered: ask once
      Pod now = client.pods().inNamespace(settings.namespace()).withName(pod.name).get();
      if (now != null) changed(now, false);
      return pod;
    });
  }

  private void delete(JobPod pod, Duration grace) {
    pods.values().remove(pod);
    pod.ended.complete("pod " + pod.name + " was deleted");
    try {
      client.pods().inNamespace(settings.namespace()).withName(pod.name).withGracePeriod(Math.max(0, (grace.toMillis() + 999) / 1000))
          .delete();
    } catch (KubernetesClientException e) {
      LOG.warn("cannot delete pod {} in namespace {}: {}", pod.name, settings.namespace(), apiMessage(e));
    }
    byName.remove(pod.name);
  }

  /** Deletes the pods this host id's earlier lives left; returns how many. */
  private int removeEarlierLives() {
    int removed = 0;
    try {
      for (Pod pod : client.pods().inNamespace(settings.namespace()).withLabels(JobPods.ownedBy(hostId)).list().getItems()) {
        var annotations = pod.getMetadata().getAnnotations();
        if (annotations != null && incarnation.equals(annotations.get(JobPods.INCARNATION))) continue;
        client.pods().inNamespace(settings.namespace()).withName(pod.getMetadata().getName()).withGracePeriod(0).delete();
        LOG.info("deleted pod {}, left by an earlier life of host {}", pod.getMetadata().getName(), hostId);
        removed++;
      }
    } catch (KubernetesClientException e) { // (before the informer starts: its own failure is a logged stack trace)
      throw unreachable(e);
    }
    return removed;
  }

  // ---- steps ----

  private static final class PodTrouble extends RuntimeException {
    PodTrouble(String message) {
      super(message, null, false, false);
    }
  }

  private final class PodStep implements RunningStep {
    final StepRequest request;
    final StartupTimer output;
    final CompletableFuture<StepExit> exit = new CompletableFuture<>();
    volatile JobPod pod;
    volatile boolean cancelled;

    PodStep(StepRequest request, StepOutput output) {
      this.request = request;
      this.output = new StartupTimer(output); // (from now: the pod, the workspace and the exec are the step's start-up)
    }

    @Override
    public CompletionStage<StepExit> exit() {
      return exit;
    }

    @Override
    public void cancel(Duration grace) {
      cancelled = true;
      JobPod p = pod;
      if (p != null) {
        threads.execute(() -> delete(p, grace));
      } else {
        exit.complete(StepExit.runnerError("cancelled before its pod ran"));
      }
    }

    void run() {
      StepExit result;
      try {
        result = steps();
      } catch (PodTrouble e) {
        result = StepExit.runnerError(e.getMessage());
      } catch (IOException | RuntimeException e) {
        result = StepExit.runnerError("the Kubernetes runner failed: " + e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        result = StepExit.runnerError("the Kubernetes runner was closed while the step ran");
      }
      output.finished();
      exit.complete(result);
    }

    private StepExit steps() throws IOException, InterruptedException {
      if (!Files.isDirectory(request.workingDirectory())) {
        return StepExit.runnerError("the working directory " + request.workingDirectory() + " does not exist");
      }
      JobPod p = podFor(request);
      pod = p;
      if (cancelled) return StepExit.runnerError("cancelled before its pod ran");
      awaitRunning(p);
      if (cancelled) return StepExit.runnerError("cancelled before the step started");
      int number = p.steps.incrementAndGet();
      String dir = request.workspace().relativize(request.workingDirectory()).toString();
      // what changed on the host goes in with the script
      Path tar = Files.createTempFile("pipelinekit-kube-", ".tar");
      try {
        WorkspaceSync.Upload upload;
        try (OutputStream out = Files.newOutputStream(tar)) {
          upload = p.sync.upload(out);
        }
        byte[] script = PodScripts.step(number, dir.isEmpty() ? "." : dir, request.env(), upload.deleted(), request.command());
        OutputLines lines = new OutputLines(output);
        AtomicLong offset = new AtomicLong();
        OutputStream log = new OutputStream() {
          @Override
          public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
          }

          @Override
          public void write(byte[] b, int off, int len) {
            offset.addAndGet(len);
            lines.write(b, off, len);
          }
        };
        long size = Files.size(tar);
        byte[] stdin;
        String tarArg;
        if (script.length + size <= STDIN_MESSAGE) {
          stdin = new byte[(int) (script.length + size)];
          System.arraycopy(script, 0, stdin, 0, script.length);
          try (InputStream in = Files.newInputStream(tar)) {
            in.readNBytes(stdin, script.length, (int) size);
          }
          tarArg = Long.toString(size);
        } else {
          stage(p, number, tar);
          stdin = script;
          tarArg = "staged";
        }
        Exec run = exec(p, stdin, log, PodScripts.START, Integer.toString(number), Integer.toString(script.length), tarArg);
        int follows = 0;
        while (run.dropped() && !cancelled && !p.ended.isDone() && follows++ < FOLLOW_RETRIES) {
          LOG.info("the connection to step {} in pod {} dropped after {} bytes; following it again", number, p.name, offset.get());
          run = exec(p, null, log, PodScripts.FOLLOW_AGAIN, Integer.toString(number), Long.toString(offset.get()));
        }
        lines.flush();
        if (cancelled) return StepExit.of(run.dropped() ? 137 : run.code());
        if (p.ended.isDone() || run.dropped()) {
          String why = p.ended.getNow(null);
          forget(p);
          if (why == null) {
            return StepExit.runnerError(run.error().isBlank() ? "lost the connection to pod " + p.name + " and could not follow the step again"
                : run.error());
          }
          return StepExit.failed(137, why, Map.of());
        }
        if (!run.error().isBlank()) {
          forget(p);
          return StepExit.runnerError(run.error().strip());
        }
        if (run.code() > 128) { // killed under the step (out of memory, evicted)? the pod's status says, a moment later
          Optional<String> why;
          try {
            why = Optional.ofNullable(p.ended.get(KILL_REASON_WAIT.toMillis(), TimeUnit.MILLISECONDS));
          } catch (java.util.concurrent.ExecutionException | TimeoutException e) {
            why = Optional.ofNullable(client.pods().inNamespace(settings.namespace()).withName(p.name).get()).flatMap(PodFailures::reason);
          }
          if (why.isPresent()) {
            forget(p);
            return StepExit.failed(run.code(), why.get(), Map.of());
          }
        }
        Map<String, String> outputs = collect(p, number);
        return StepExit.of(run.code(), outputs);
      } finally {
        Files.deleteIfExists(tar);
      }
    }

    /** Puts a large workspace tar into the pod in pieces of {@link #STDIN_MESSAGE}, one exec each. */
    private void stage(JobPod p, int number, Path tar) throws IOException, InterruptedException {
      Exec start = exec(p, new byte[0], OutputStream.nullOutputStream(), PodScripts.STAGE, Integer.toString(number), "0");
      if (start.code() != 0) throw new PodTrouble("cannot copy the workspace into pod " + p.name + ": " + start.error().strip());
      try (InputStream in = Files.newInputStream(tar)) {
        byte[] piece;
        while ((piece = in.readNBytes(STDIN_MESSAGE)).length > 0) {
          Exec put = exec(p, piece, OutputStream.nullOutputStream(), PodScripts.STAGE, Integer.toString(number), Integer.toString(piece.length));
          if (put.code() != 0) throw new PodTrouble("cannot copy the workspace into pod " + p.name + ": " + put.error().strip());
        }
      }
    }

    /** Carries the step's changes back to the host; returns its outputs. */
    private Map<String, String> collect(JobPod p, int number) throws IOException, InterruptedException {
      ByteArrayOutputStream listing = new ByteArrayOutputStream();
      Exec list = exec(p, null, listing, PodScripts.COLLECT, Integer.toString(number), "0");
      if (list.dropped() || list.code() != 0) {
        forget(p);
        throw new PodTrouble("cannot list the workspace in pod " + p.name + " after the step: " + list.error().strip());
      }
      List<String> fetch = p.sync.listed(listing.toString(StandardCharsets.UTF_8));
      if (!fetch.isEmpty()) {
        Path tar = Files.createTempFile("pipelinekit-kube-", ".tar");
        try {
          byte[] names = WorkspaceSync.fetchList(fetch);
          try (OutputStream out = Files.newOutputStream(tar)) {
            Exec get = exec(p, names, out, PodScripts.FETCH, Integer.toString(number), Integer.toString(names.length));
            if (get.dropped() || get.code() != 0) {
              forget(p);
              throw new PodTrouble("cannot copy the workspace's changes out of pod " + p.name + ": " + get.error().strip());
            }
          }
          try (InputStream in = Files.newInputStream(tar)) {
            p.sync.fetched(in);
          }
        } finally {
          Files.deleteIfExists(tar);
        }
      }
      return org.pipelinekit.core.runner.StepOutputs.parse(list.error().lines().toList(), output::line);
    }

    private void awaitRunning(JobPod p) throws InterruptedException {
      try {
        p.running.get(startTimeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.ExecutionException e) {
        forget(p);
        throw new PodTrouble(e.getCause().getMessage());
      } catch (TimeoutException e) {
        forget(p);
        delete(p, Duration.ZERO);
        throw new PodTrouble("pod " + p.name + " did not start within " + startTimeout.toSeconds() + " s; see kubectl describe pod " + p.name
            + " -n " + settings.namespace());
      }
    }

    /** The pod can run no more steps: the next step of the job gets a new one, with the whole workspace. */
    private void forget(JobPod p) {
      if (pods.remove(JobPods.Job.of(request.labels()), p)) delete(p, Duration.ZERO);
    }
  }

  /** How an exec ended: its exit code (negative: dropped, the connection closed without one), and what it wrote on stderr. */
  private record Exec(int code, String error) {
    boolean dropped() {
      return code < 0;
    }
  }

  private Exec exec(JobPod p, byte @org.jspecify.annotations.Nullable [] stdin, OutputStream stdout, String script, String... args) throws InterruptedException {
    ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    CompletableFuture<Void> closed = new CompletableFuture<>();
    String[] command = new String[4 + args.length];
    command[0] = "sh";
    command[1] = "-c";
    command[2] = script;
    command[3] = "pipelinekit";
    System.arraycopy(args, 0, command, 4, args.length);
    ExecWatch watch;
    try {
      var container = client.pods().inNamespace(settings.namespace()).withName(p.name).inContainer(JobPods.CONTAINER);
      watch = (stdin == null ? container : container.redirectingInput()).writingOutput(stdout).writingError(stderr)
          .usingListener(new ExecListener() {
            @Override
            public void onFailure(Throwable t, Response failureResponse) {
              closed.complete(null);
            }

            @Override
            public void onClose(int code, String reason) {
              closed.complete(null);
            }
          })
          .exec(command);
    } catch (KubernetesClientException e) {
      return new Exec(-1, "cannot exec into pod " + p.name + ": " + apiMessage(e));
    }
    try (watch) {
      if (stdin != null && stdin.length > 0) {
        try {
          OutputStream in = watch.getInput();
          in.write(stdin); // (one message: the JDK's WebSocket refuses a send while another is pending, and fabric8 does not wait)
          in.flush();
        } catch (IOException | KubernetesClientException e) { // (the exit code, or its absence, tells what became of it)
          LOG.debug("the input of an exec into pod {} broke off: {}", p.name, e.getMessage());
        }
      }
      int code;
      try {
        Integer exit = watch.exitCode().get();
        code = exit == null ? -1 : exit; // (none: the connection closed without a status)
      } catch (java.util.concurrent.ExecutionException e) {
        code = -1;
      }
      try { // (the output comes before the status on the one connection; the close is a courtesy some servers are slow with)
        closed.get(2, TimeUnit.SECONDS);
      } catch (java.util.concurrent.ExecutionException | TimeoutException e) {
        LOG.debug("exec into pod {} ended ({}) without closing its connection", p.name, code);
      }
      return new Exec(code, stderr.toString(StandardCharsets.UTF_8));
    }
  }

  private static String apiMessage(KubernetesClientException e) {
    if (e.getStatus() != null && e.getStatus().getMessage() != null) return e.getStatus().getMessage();
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) root = root.getCause();
    String cause = root == e ? "" : " (" + root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage()) + ")";
    return e.getMessage() + cause;
  }


  public static final class Builder {
    private final KubernetesRunnerSettings settings;
    private KubernetesClient client;
    private String hostId;
    private final List<String> labels = new ArrayList<>();
    private Duration startTimeout = Duration.ofMinutes(5);

    private Builder(KubernetesRunnerSettings settings) {
      this.settings = java.util.Objects.requireNonNull(settings, "settings");
    }

    /** The client to use (left open on close); by default one from the kubeconfig or the pod's service account. */
    public Builder client(KubernetesClient client) {
      this.client = java.util.Objects.requireNonNull(client, "client");
      return this;
    }

    /**
     * The name this host's pods carry (the {@code pipelinekit.io/owner} label), the same across its restarts and different for
     * every host sharing the namespace; by default the machine's host name.
     */
    public Builder hostId(String hostId) {
      this.hostId = java.util.Objects.requireNonNull(hostId, "hostId");
      return this;
    }

    /** Runner labels: stages whose {@code runsOn} names one of them run here (and stages without them do not). */
    public Builder labels(String... labels) {
      this.labels.addAll(List.of(labels));
      return this;
    }

    /** How long a pod may take to run (scheduled, image pulled, started) before the step fails; 5 minutes by default. */
    public Builder startTimeout(Duration timeout) {
      this.startTimeout = java.util.Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    public KubernetesRunner build() {
      return new KubernetesRunner(this);
    }
  }
}
