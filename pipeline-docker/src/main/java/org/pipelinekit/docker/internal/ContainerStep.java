package org.pipelinekit.docker.internal;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.command.WaitContainerResultCallback;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Volume;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;
import org.pipelinekit.core.model.Resources;
import org.pipelinekit.core.runner.StartupTimer;
import org.pipelinekit.core.runner.StepOutputs;
import org.pipelinekit.core.spi.RunningStep;
import org.pipelinekit.core.spi.StepExit;
import org.pipelinekit.core.spi.StepOutput;
import org.pipelinekit.core.spi.StepRequest;
import org.pipelinekit.docker.DockerRunner;

/**
 * One step in one container: make sure of the image, create the container (workspace and outputs
 * directory bind-mounted, limits, labels), start it, stream its log, wait for it, read its outputs,
 * remove it. Runs on a runner thread; {@link #cancel} may come from any thread at any point.
 */
public final class ContainerStep implements RunningStep {
  /** Where the step's outputs directory appears inside the container. */
  static final String OUTPUTS = "/pipelinekit";

  private final DockerRunner runner;
  private final DockerClient client;
  private final StepRequest request;
  private final String image;
  private final String networkMode;
  private final StepOutput log;
  private final CompletableFuture<StepExit> exit = new CompletableFuture<>();
  private @Nullable String containerId;
  private boolean cancelRequested;
  private Duration grace = Duration.ZERO;

  public ContainerStep(DockerRunner runner, DockerClient client, StepRequest request, String image, String networkMode, StepOutput log) {
    this.runner = runner;
    this.client = client;
    this.request = request;
    this.image = image;
    this.networkMode = networkMode;
    this.log = log;
  }

  @Override
  public CompletionStage<StepExit> exit() {
    return exit;
  }

  @Override
  public void cancel(Duration grace) {
    String id;
    synchronized (this) {
      if (cancelRequested || exit.isDone()) return;
      cancelRequested = true;
      this.grace = grace;
      id = containerId;
    }
    if (id != null) runner.threads().execute(() -> stop(id, grace));
  }

  /** SIGTERM to the container's init (which passes it on), SIGKILL after the grace period. */
  private void stop(String id, Duration grace) {
    try {
      client.stopContainerCmd(id).withTimeout((int) Math.max(0, (grace.toMillis() + 999) / 1000)).exec();
    } catch (NotFoundException e) {
      // already gone
    } catch (RuntimeException e) {
      try {
        client.killContainerCmd(id).exec();
      } catch (RuntimeException again) {
        log.line("warning: cannot stop container " + id.substring(0, 12) + ": " + again.getMessage());
      }
    }
  }

  public void run() {
    StepExit result = null;
    Path outputs = null;
    String id = null;
    try {
      if (!Files.isDirectory(request.workingDirectory())) {
        result = StepExit.runnerError("working directory " + request.workingDirectory() + " does not exist");
        return;
      }
      runner.ensureImage(image, log);
      outputs = Files.createTempDirectory(runner.scratch(), "step-");
      // the container user may not be the host's: let it write its outputs file
      outputs.toFile().setWritable(true, false);
      StartupTimer output = new StartupTimer(log);
      id = create(outputs).exec().getId();
      synchronized (this) {
        containerId = id;
        if (cancelRequested) {
          result = StepExit.of(143);
          return;
        }
      }
      // attached before the start, so the first line comes straight from the container's output, not through the log
      // file. The daemon attaches the streams before it answers, so once awaitStarted returns nothing can be missed;
      // logs=true would replay the log file as well, and a line written while that replay reads came twice
      // (DockerRunnerCompatibilityIT.loses_nothingOfALargeOutput saw 51,195 of 50,000 lines once)
      FrameLines lines = new FrameLines(output);
      ResultCallback.Adapter<Frame> attached = client.attachContainerCmd(id).withStdOut(true).withStdErr(true)
          .withFollowStream(true).withLogs(false)
          .exec(new ResultCallback.Adapter<>() {
            @Override
            public void onNext(Frame frame) {
              lines.frame(frame);
            }
          });
      try {
        attached.awaitStarted();
        client.startContainerCmd(id).exec();
        boolean stopNow;
        synchronized (this) {
          stopNow = cancelRequested; // a cancel that came between creating and starting found nothing to stop
        }
        if (stopNow) stop(id, grace);
        result = follow(id, attached, lines, output, outputs);
      } finally {
        DockerRunner.closeQuietly(attached);
      }
    } catch (IllegalStateException e) {
      result = StepExit.runnerError(e.getMessage());
    } catch (RuntimeException e) {
      result = StepExit.runnerError("docker: " + e.getMessage());
    } catch (IOException e) {
      result = StepExit.runnerError("cannot create the step's outputs directory: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      result = StepExit.runnerError("interrupted while starting the container");
    } finally {
      // the step is over when its container is gone
      if (id != null) remove(id);
      if (outputs != null) delete(outputs);
      exit.complete(result != null ? result : StepExit.runnerError("the container step ended without a result"));
    }
  }

  private CreateContainerCmd create(Path outputs) {
    Map<String, String> env = new LinkedHashMap<>(request.env());
    env.put(StepOutputs.VARIABLE, OUTPUTS + "/output");
    List<String> envList = new ArrayList<>();
    env.forEach((k, v) -> envList.add(k + "=" + v));
    Path workspace = workspace();
    HostConfig host = HostConfig.newHostConfig()
        .withBinds(new Bind(workspace.toString(), new Volume(workspace.toString())), new Bind(outputs.toString(), new Volume(OUTPUTS)))
        .withNetworkMode(networkMode)
        .withInit(true);
    Resources resources = request.resources().orElse(Resources.NONE);
    resources.memoryBytes().ifPresent(m -> host.withMemory(m).withMemorySwap(m));
    resources.cpuMillicores().ifPresent(c -> host.withNanoCPUs(c * 1_000_000L));
    Map<String, String> labels = new LinkedHashMap<>(request.labels());
    labels.put(Owner.MANAGED, "true");
    labels.put(Owner.LABEL, runner.owner().label());
    CreateContainerCmd cmd = client.createContainerCmd(image)
        // stderr joins stdout inside the container, so the two keep their order (two pipes would not)
        .withCmd("/bin/sh", "-c", "exec 2>&1\n" + request.command())
        .withEnv(envList)
        .withWorkingDir(request.workingDirectory().toString())
        .withLabels(labels)
        .withHostConfig(host);
    runner.user().ifPresent(cmd::withUser);
    return cmd;
  }

  /** The execution's workspace (from {@code PIPELINE_WORKSPACE}), else the step's directory. */
  private Path workspace() {
    String ws = request.env().get("PIPELINE_WORKSPACE");
    Path dir = request.workingDirectory();
    if (ws != null && dir.startsWith(Path.of(ws))) return Path.of(ws);
    return dir;
  }

  private StepExit follow(String id, ResultCallback.Adapter<Frame> attached, FrameLines lines, StartupTimer output, Path outputs) {
    int code;
    try {
      code = client.waitContainerCmd(id).exec(new WaitContainerResultCallback()).awaitStatusCode();
      attached.awaitCompletion(); // the stream ends once the container has stopped and all of its output was sent
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return StepExit.runnerError("interrupted while waiting for the container");
    }
    lines.flush();
    output.finished();
    Map<String, String> values = StepOutputs.read(outputs.resolve("output"), w -> log.line("warning: " + w));
    InspectContainerResponse.ContainerState state = client.inspectContainerCmd(id).exec().getState();
    if (Boolean.TRUE.equals(state.getOOMKilled())) {
      String limit = request.resources().flatMap(Resources::memoryBytes).map(Resources::formatMemory).orElse("the engine's");
      String reason = "out of memory: the step went over its memory limit (" + limit + ") and was killed; raise resources.memory";
      log.line("✗ " + reason);
      return StepExit.failed(code, reason, values);
    }
    return StepExit.of(code, values);
  }

  private void remove(String id) {
    try {
      client.removeContainerCmd(id).withForce(true).withRemoveVolumes(true).exec();
    } catch (NotFoundException e) {
      // gone already
    } catch (RuntimeException e) {
      log.line("warning: cannot remove container " + id.substring(0, 12) + ": " + e.getMessage()
          + " (the next runner to start removes it)");
    }
  }

  private static void delete(Path dir) {
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // the runner's scratch directory is removed when it closes
    }
  }
}
