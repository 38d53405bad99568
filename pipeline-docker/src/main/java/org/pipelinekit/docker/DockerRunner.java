package org.pipelinekit.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.PullImageResultCallback;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.PullResponseItem;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.pipelinekit.core.spi.Runner;
import org.pipelinekit.core.spi.RunningStep;
import org.pipelinekit.core.spi.StageTypeProvider;
import org.pipelinekit.core.spi.StepOutput;
import org.pipelinekit.core.spi.StepRequest;
import org.pipelinekit.docker.internal.ContainerStep;
import org.pipelinekit.docker.internal.Owner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs each step in a container of its stage's image on a Docker engine, through docker-java over
 * the engine's socket ({@code DOCKER_HOST} is honoured, else {@code unix:///var/run/docker.sock}).
 *
 * <p>The execution's workspace is bind-mounted at its own path, so every stage of an execution sees
 * the files the stages before it wrote, and paths mean the same inside and out. Output lines stream
 * into the stage log as they come; {@code $PIPELINE_OUTPUT} works as with the local runner. The
 * stage's resources become the container's CPU and memory limits (no swap beyond the memory limit,
 * so a step over it is OOM-killed and reported as such). The network is {@link NetworkMode#NONE}
 * unless the runner is built with another. Containers run under an init process, carry the labels
 * of their execution, stage, job and attempt, and are always removed; a runner that starts removes
 * the containers of hosts on this machine that died without removing theirs.
 *
 * <pre>{@code
 * try (DockerRunner docker = DockerRunner.builder().pullPolicy(PullPolicy.NEVER).build();
 *      PipelineExecutor executor = PipelineExecutor.builder()
 *          .runner(docker)                         // steps with an image run in containers
 *          .runner(new LocalProcessRunner())      // the rest run as local processes
 *          .registry(StageRegistry.builder().addDiscovered().add(docker.stageTypes()).build())
 *          .dataDirectory(dir).build()) { ... }
 * }</pre>
 *
 * <p>The engine must see the host's files at the same paths (a local engine, not a remote one or a
 * VM without shared folders), since workspaces are bind mounts.
 */
public final class DockerRunner implements Runner {
  private static final Logger LOG = LoggerFactory.getLogger(DockerRunner.class);

  private final DockerClient client;
  private final String dockerHost;
  private final PullPolicy pullPolicy;
  private final NetworkMode network;
  private final Optional<String> defaultImage;
  private final Optional<String> user;
  private final Owner owner = Owner.self();
  private final ExecutorService threads;
  private final Path scratch;
  private final Map<String, Object> pullLocks = new ConcurrentHashMap<>();
  private final int removedOrphans;

  /** A runner with the defaults, for {@link java.util.ServiceLoader}: the engine from the environment. */
  public DockerRunner() {
    this(builder());
  }

  private DockerRunner(Builder b) {
    DockerClientConfig config = b.dockerHost == null ? DefaultDockerClientConfig.createDefaultConfigBuilder().build()
        : DefaultDockerClientConfig.createDefaultConfigBuilder().withDockerHost(b.dockerHost).build();
    this.dockerHost = config.getDockerHost().toString();
    this.client = DockerClientImpl.getInstance(config, new ZerodepDockerHttpClient.Builder()
        .dockerHost(config.getDockerHost())
        .sslConfig(config.getSSLConfig())
        .maxConnections(256)
        .connectionTimeout(Duration.ofSeconds(5))
        .build());
    this.pullPolicy = b.pullPolicy;
    this.network = b.network;
    this.defaultImage = Optional.ofNullable(b.defaultImage);
    this.user = Optional.ofNullable(b.user);
    AtomicInteger n = new AtomicInteger();
    ThreadFactory factory = r -> {
      Thread t = new Thread(r, "pipelinekit-docker-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
    this.threads = Executors.newCachedThreadPool(factory);
    try {
      this.scratch = org.pipelinekit.core.files.HostDirectories.create(SCRATCH); // (a dead host's: removed with its orphans)
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot create a directory for step outputs: " + e.getMessage(), e);
    }
    this.removedOrphans = b.removeOrphans ? removeOrphans() : 0;
  }

  private static final String SCRATCH = "pipelinekit-docker-";

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String id() {
    return "docker";
  }

  /** The stage types that need this runner's engine: docker-build, and integration-tests with service containers. */
  public StageTypeProvider stageTypes() {
    return new DockerStageTypes(this);
  }

  /** Refuses steps that name no image (when the runner has no default) and steps when no engine answers. */
  @Override
  public Optional<String> cannotRun(StepRequest request) {
    if (request.image().isEmpty() && defaultImage.isEmpty()) {
      return Optional.of("the stage names no image (set image: on the stage, or a default image on the runner)");
    }
    return Optional.empty();
  }

  @Override
  public RunningStep start(StepRequest request, StepOutput output) {
    return startJoined(request, output, network.docker());
  }

  /**
   * Starts a step with the given Docker network mode; {@code container:<id>} joins the network
   * namespace of another container (how integration tests reach their service containers).
   */
  public RunningStep startJoined(StepRequest request, StepOutput output, String networkMode) {
    String image = request.image().or(() -> defaultImage).orElseThrow(
        () -> new IllegalArgumentException("the step names no image and the runner has no default image"));
    ContainerStep step = new ContainerStep(this, client, request, image, networkMode, output);
    threads.execute(step::run);
    return step;
  }

  /** How many orphaned containers this runner removed when it started. */
  public int removedOrphans() {
    return removedOrphans;
  }

  /**
   * Removes the containers this runner's host left behind on this machine after dying (its process
   * is gone); returns how many. Runs when a runner is built, unless turned off on the builder.
   */
  public int removeOrphans() {
    try { // the scratch directories of dead hosts on this machine, with their containers below
      org.pipelinekit.core.files.HostDirectories.removeOfDeadHosts(SCRATCH);
    } catch (IOException | RuntimeException e) {
      LOG.debug("cannot remove the scratch directories of dead hosts: {}", e.getMessage());
    }
    int removed = 0;
    String machine = Owner.hostName();
    List<Container> ours;
    try {
      ours = client.listContainersCmd().withShowAll(true).withLabelFilter(Map.of(Owner.MANAGED, "true")).exec();
    } catch (RuntimeException e) {
      LOG.warn("cannot list containers on {} to remove orphans: {}", dockerHost, e.getMessage());
      return 0;
    }
    for (Container c : ours) {
      Optional<Owner> o = Owner.parse(c.getLabels() == null ? null : c.getLabels().get(Owner.LABEL));
      if (o.isPresent() && o.get().isGoneFrom(machine)) {
        try {
          client.removeContainerCmd(c.getId()).withForce(true).withRemoveVolumes(true).exec();
          removed++;
          LOG.info("removed container {} left by {} (process gone)", c.getId().substring(0, 12), o.get().label());
        } catch (NotFoundException e) {
          // removed meanwhile
        } catch (RuntimeException e) {
          LOG.warn("cannot remove orphaned container {}: {}", c.getId(), e.getMessage());
        }
      }
    }
    return removed;
  }

  /** Containers of this runner's host still on the engine (for tests and diagnostics). */
  public List<String> liveContainers() {
    List<String> out = new ArrayList<>();
    for (Container c : client.listContainersCmd().withShowAll(true).withLabelFilter(Map.of(Owner.LABEL, owner.label())).exec()) {
      out.add(c.getId());
    }
    return out;
  }

  // ---- for the steps, services and stage types of this module ----

  public DockerClient client() {
    return client;
  }

  public Owner owner() {
    return owner;
  }

  public NetworkMode network() {
    return network;
  }

  public Optional<String> user() {
    return user;
  }

  public Path scratch() {
    return scratch;
  }

  public ExecutorService threads() {
    return threads;
  }

  public String dockerHost() {
    return dockerHost;
  }

  /**
   * Makes sure the engine has the image, pulling it as the policy says; throws
   * {@link IllegalStateException} with a message for the stage log when it cannot.
   */
  public void ensureImage(String image, StepOutput log) {
    boolean present;
    try {
      client.inspectImageCmd(image).exec();
      present = true;
    } catch (NotFoundException e) {
      present = false;
    } catch (RuntimeException e) {
      throw new IllegalStateException("no Docker engine answers at " + dockerHost + ": " + e.getMessage(), e);
    }
    if (present && pullPolicy != PullPolicy.ALWAYS) return;
    if (!present && pullPolicy == PullPolicy.NEVER) {
      throw new IllegalStateException("image " + image + " is not on the Docker engine and the pull policy is NEVER;"
          + " build or load it first (docker build / docker load), or allow pulling");
    }
    synchronized (pullLocks.computeIfAbsent(image, i -> new Object())) {
      log.line("pulling " + image);
      try {
        client.pullImageCmd(image).exec(new PullImageResultCallback() {
          @Override
          public void onNext(PullResponseItem item) {
            super.onNext(item);
            if (item.getStatus() != null && item.getId() == null) log.line(item.getStatus());
          }
        }).awaitCompletion();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while pulling " + image, e);
      } catch (RuntimeException e) {
        if (present) {
          log.line("warning: cannot pull " + image + " (" + e.getMessage() + "); using the local copy");
          return;
        }
        throw new IllegalStateException("cannot pull image " + image + ": " + e.getMessage(), e);
      }
    }
  }

  /** Closes a streaming callback without letting its failure hide the real one. */
  public static void closeQuietly(@Nullable ResultCallback<?> callback) {
    if (callback == null) return;
    try {
      callback.close();
    } catch (IOException | RuntimeException e) {
      LOG.debug("closing a docker stream: {}", e.getMessage());
    }
  }

  @Override
  public void close() {
    threads.shutdownNow();
    try {
      client.close();
    } catch (IOException e) {
      LOG.debug("closing the docker client: {}", e.getMessage());
    }
    try (var left = Files.walk(scratch)) {
      left.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      LOG.debug("cannot remove {}: {}", scratch, e.getMessage());
    }
  }

  public static final class Builder {
    private @Nullable String dockerHost;
    private PullPolicy pullPolicy = PullPolicy.IF_MISSING;
    private NetworkMode network = NetworkMode.NONE;
    private @Nullable String defaultImage;
    private @Nullable String user;
    private boolean removeOrphans = true;

    private Builder() {}

    /** The engine, such as {@code unix:///var/run/docker.sock} or {@code tcp://host:2375}; default from {@code DOCKER_HOST}. */
    public Builder dockerHost(String dockerHost) {
      this.dockerHost = Objects.requireNonNull(dockerHost, "dockerHost");
      return this;
    }

    public Builder pullPolicy(PullPolicy pullPolicy) {
      this.pullPolicy = Objects.requireNonNull(pullPolicy, "pullPolicy");
      return this;
    }

    public Builder network(NetworkMode network) {
      this.network = Objects.requireNonNull(network, "network");
      return this;
    }

    /** The image of steps whose stage names none; without it such steps are left to the next runner. */
    public Builder defaultImage(String image) {
      this.defaultImage = Objects.requireNonNull(image, "image");
      return this;
    }

    /**
     * The user steps run as, {@code uid[:gid]} or a name the image knows; default the image's. Set it
     * to the host's uid when the host does not run as root, so files steps write into the workspace
     * stay the host's.
     */
    public Builder user(String user) {
      this.user = Objects.requireNonNull(user, "user");
      return this;
    }

    /** Whether the runner removes, when built, the containers left by dead hosts on this machine (default yes). */
    public Builder removeOrphans(boolean removeOrphans) {
      this.removeOrphans = removeOrphans;
      return this;
    }

    public DockerRunner build() {
      return new DockerRunner(this);
    }
  }
}
