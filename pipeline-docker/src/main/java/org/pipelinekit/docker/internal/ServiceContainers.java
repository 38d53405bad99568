package org.pipelinekit.docker.internal;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.command.HealthState;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HealthCheck;
import com.github.dockerjava.api.model.HostConfig;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.pipelinekit.core.spi.RunningStep;
import org.pipelinekit.core.spi.StepAction;
import org.pipelinekit.core.spi.StepContext;
import org.pipelinekit.core.spi.StepExit;
import org.pipelinekit.core.spi.StepRequest;
import org.pipelinekit.docker.DockerRunner;

/**
 * An integration-tests stage with {@code services}: starts each service in a container, all in one
 * network namespace of their own (loopback only, every service name resolving to 127.0.0.1), waits
 * until each is ready, runs the test command in a container of the stage's image joined to that
 * namespace, and removes the services whatever happened. Service output goes into the stage log as
 * {@code [name] line}.
 */
public final class ServiceContainers implements StepAction {
  /** How long a service may take to become ready. */
  static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
  private static final long POLL_MILLIS = 100;

  private final DockerRunner runner;
  private final DockerClient client;
  private final List<String> started = new ArrayList<>();
  private final List<ResultCallback<?>> logs = new ArrayList<>();
  private volatile @Nullable RunningStep tests;
  private volatile boolean cancelled;

  public ServiceContainers(DockerRunner runner) {
    this.runner = runner;
    this.client = runner.client();
  }

  /** A service as the stage declares it. */
  record Service(String name, String image, List<Integer> ports, Map<String, String> env, Optional<String> command,
      Optional<String> health) {
    @SuppressWarnings("unchecked")
    static Service of(Object value) {
      Map<String, Object> m = (Map<String, Object>) value;
      List<Integer> ports = new ArrayList<>();
      if (m.get("ports") instanceof List<?> l) l.forEach(p -> ports.add(((Number) p).intValue()));
      Map<String, String> env = new LinkedHashMap<>();
      if (m.get("env") instanceof Map<?, ?> e) e.forEach((k, v) -> env.put(String.valueOf(k), String.valueOf(v)));
      return new Service(String.valueOf(m.get("name")), String.valueOf(m.get("image")), ports, env,
          Optional.ofNullable(m.get("command")).map(String::valueOf), Optional.ofNullable(m.get("health")).map(String::valueOf));
    }
  }

  @Override
  public CompletionStage<StepExit> run(StepContext ctx) {
    CompletableFuture<StepExit> result = new CompletableFuture<>();
    runner.threads().execute(() -> {
      StepExit exit;
      try {
        exit = runTests(ctx);
      } catch (RuntimeException e) {
        exit = StepExit.runnerError("services: " + e.getMessage());
      }
      removeServices(ctx); // the step is over when its services are gone
      result.complete(exit);
    });
    return result;
  }

  @Override
  public void cancel() {
    cancelled = true;
    RunningStep t = tests;
    if (t != null) t.cancel(Duration.ofSeconds(1));
  }

  private StepExit runTests(StepContext ctx) {
    Optional<String> image = ctx.stage().image();
    if (image.isEmpty()) {
      return StepExit.runnerError("integration-tests with services runs test_command in a container: set the stage's image");
    }
    List<Service> services = new ArrayList<>();
    if (ctx.inputs().get("services") instanceof List<?> list) list.forEach(s -> services.add(Service.of(s)));
    for (Service s : services) {
      try {
        runner.ensureImage(s.image(), ctx::log);
      } catch (IllegalStateException e) {
        return StepExit.runnerError("service " + s.name() + ": " + e.getMessage());
      }
    }
    String namespace = null;
    Set<String> hosts = new LinkedHashSet<>();
    services.forEach(s -> hosts.add(s.name() + ":127.0.0.1"));
    for (Service s : services) {
      if (cancelled) return StepExit.of(143);
      String id = create(ctx, s, namespace == null ? "none" : "container:" + namespace, namespace == null ? hosts : Set.of());
      if (namespace == null) namespace = id;
      client.startContainerCmd(id).exec();
      follow(ctx, s.name(), id);
      ctx.log("started service " + s.name() + " (" + s.image() + ")");
    }
    for (int i = 0; i < services.size(); i++) {
      Optional<String> problem = awaitReady(ctx, services.get(i), started.get(i));
      if (problem.isPresent()) return StepExit.failed(1, problem.get(), Map.of());
    }
    if (cancelled) return StepExit.of(143);
    StepRequest request = new StepRequest(String.valueOf(ctx.inputs().get("test_command")), ctx.env(), ctx.workspace(), image,
        ctx.resources(), Map.of("pipelinekit.execution", ctx.executionId(),
            "pipelinekit.stage", ctx.stage().id(), "pipelinekit.job", ctx.jobId(), "pipelinekit.attempt", Integer.toString(ctx.attempt())));
    RunningStep step = runner.startJoined(request, ctx::log, "container:" + namespace);
    tests = step;
    if (cancelled) step.cancel(Duration.ofSeconds(1));
    StepExit exit = step.exit().toCompletableFuture().join();
    exit.outputs().forEach(ctx::output);
    return exit;
  }

  private String create(StepContext ctx, Service s, String networkMode, Set<String> hosts) {
    HostConfig host = HostConfig.newHostConfig().withNetworkMode(networkMode).withInit(true);
    if (!hosts.isEmpty()) host.withExtraHosts(hosts.toArray(String[]::new));
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(Owner.MANAGED, "true");
    labels.put(Owner.LABEL, runner.owner().label());
    labels.put("pipelinekit.execution", ctx.executionId());
    labels.put("pipelinekit.stage", ctx.stage().id());
    labels.put("pipelinekit.service", s.name());
    List<String> env = new ArrayList<>();
    s.env().forEach((k, v) -> env.add(k + "=" + v));
    CreateContainerCmd cmd = client.createContainerCmd(s.image()).withEnv(env).withLabels(labels).withHostConfig(host);
    s.command().ifPresent(c -> cmd.withCmd("/bin/sh", "-c", c));
    s.health().ifPresent(h -> cmd.withHealthcheck(new HealthCheck().withTest(List.of("CMD-SHELL", h))
        .withInterval(TimeUnit.MILLISECONDS.toNanos(200)).withTimeout(TimeUnit.SECONDS.toNanos(5)).withRetries(1000)));
    String id = cmd.exec().getId();
    synchronized (started) {
      started.add(id);
    }
    return id;
  }

  private void follow(StepContext ctx, String name, String id) {
    FrameLines lines = new FrameLines(line -> ctx.log("[" + name + "] " + line));
    ResultCallback.Adapter<Frame> callback = client.logContainerCmd(id).withStdOut(true).withStdErr(true).withFollowStream(true)
        .exec(new ResultCallback.Adapter<>() {
          @Override
          public void onNext(Frame frame) {
            lines.frame(frame);
          }

          @Override
          public void onComplete() {
            lines.flush();
            super.onComplete();
          }
        });
    synchronized (logs) {
      logs.add(callback);
    }
  }

  /**
   * Waits until the service is ready: its health command (or the image's health check) passes, or,
   * without one, each declared port has a listener in the namespace; then it is merely running.
   */
  private Optional<String> awaitReady(StepContext ctx, Service s, String id) {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    boolean announced = false;
    while (!cancelled) {
      InspectContainerResponse c = client.inspectContainerCmd(id).exec();
      Optional<String> stopped = stopped(s, c);
      if (stopped.isPresent()) {
        return stopped;
      }
      HealthState health = c.getState().getHealth();
      boolean ready;
      String waitingFor;
      if (health != null) {
        ready = "healthy".equals(health.getStatus());
        waitingFor = "its health check";
      } else if (!s.ports().isEmpty()) {
        Set<Integer> listening;
        try {
          listening = listeningPorts(id);
        } catch (RuntimeException e) {
          // the service may have stopped between the inspection and the exec: that is the real reason then
          Optional<String> stoppedMeanwhile = stopped(s, client.inspectContainerCmd(id).exec());
          if (stoppedMeanwhile.isPresent()) {
            return stoppedMeanwhile;
          }
          return Optional.of("cannot check the ports of service " + s.name() + " (reading /proc/net/tcp with cat inside it failed: "
              + e.getMessage() + "); give the service a health command");
        }
        ready = listening.containsAll(s.ports());
        waitingFor = "ports " + s.ports();
      } else {
        ready = true;
        waitingFor = "";
      }
      if (ready) {
        ctx.log("service " + s.name() + " is ready");
        return Optional.empty();
      }
      if (!announced) {
        ctx.log("waiting for service " + s.name() + ": " + waitingFor);
        announced = true;
      }
      if (System.nanoTime() > deadline) {
        return Optional.of("service " + s.name() + " was not ready after " + READY_TIMEOUT.toSeconds() + "s (waited for "
            + waitingFor + ")");
      }
      try {
        Thread.sleep(POLL_MILLIS); // polling the engine: it has no event for "a port now listens"
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Optional.of("interrupted while waiting for service " + s.name());
      }
    }
    return Optional.of("cancelled while waiting for service " + s.name());
  }

  private static Optional<String> stopped(Service s, InspectContainerResponse c) {
    if (Boolean.TRUE.equals(c.getState().getRunning())) {
      return Optional.empty();
    }
    return Optional.of("service " + s.name() + " stopped before it was ready (exit code " + c.getState().getExitCodeLong()
        + "); its output is in the log above");
  }

  /** TCP ports in LISTEN state in the container's network namespace, read from /proc/net/tcp{,6} inside it. */
  private Set<Integer> listeningPorts(String id) {
    String table = exec(id, "cat", "/proc/net/tcp", "/proc/net/tcp6");
    Set<Integer> out = new LinkedHashSet<>();
    for (String line : table.split("\n")) {
      String[] f = line.trim().split("\\s+");
      if (f.length > 3 && "0A".equals(f[3]) && f[1].contains(":")) {
        out.add(Integer.parseInt(f[1].substring(f[1].lastIndexOf(':') + 1), 16));
      }
    }
    return out;
  }

  private String exec(String id, String... command) {
    String execId = client.execCreateCmd(id).withCmd(command).withAttachStdout(true).withAttachStderr(false).exec().getId();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      client.execStartCmd(execId).exec(new ResultCallback.Adapter<Frame>() {
        @Override
        public void onNext(Frame frame) {
          out.writeBytes(frame.getPayload());
        }
      }).awaitCompletion(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private void removeServices(StepContext ctx) {
    List<String> ids;
    synchronized (started) {
      ids = new ArrayList<>(started);
    }
    // the namespace's owner goes last: the others share its network
    for (int i = ids.size() - 1; i >= 0; i--) {
      try {
        client.removeContainerCmd(ids.get(i)).withForce(true).withRemoveVolumes(true).exec();
      } catch (NotFoundException e) {
        // gone already
      } catch (RuntimeException e) {
        ctx.log("warning: cannot remove service container " + ids.get(i).substring(0, 12) + ": " + e.getMessage());
      }
    }
    synchronized (logs) {
      logs.forEach(DockerRunner::closeQuietly);
    }
  }
}
