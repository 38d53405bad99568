package org.pipelinekit.docker.internal;

import com.github.dockerjava.api.command.BuildImageCmd;
import com.github.dockerjava.api.command.BuildImageResultCallback;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.exception.DockerClientException;
import com.github.dockerjava.api.model.BuildResponseItem;
import com.github.dockerjava.api.model.PushResponseItem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;
import org.pipelinekit.core.spi.StepAction;
import org.pipelinekit.core.spi.StepContext;
import org.pipelinekit.core.spi.StepExit;
import org.pipelinekit.docker.DockerRunner;

/**
 * The docker-build stage: builds the context directory with the engine's build API, streaming the
 * build's output into the stage log, tags the image, pushes the tags when asked, and sets the
 * outputs {@code image} (the first tag) and {@code digest} (the image id, {@code sha256:...}, or the
 * registry digest once pushed).
 */
public final class ImageBuild implements StepAction {
  private final DockerRunner runner;
  private volatile @Nullable ResultCallback<?> running;
  private volatile boolean cancelled;

  public ImageBuild(DockerRunner runner) {
    this.runner = runner;
  }

  @Override
  public CompletionStage<StepExit> run(StepContext ctx) {
    return CompletableFuture.supplyAsync(() -> build(ctx), runner.threads());
  }

  @Override
  public void cancel() {
    cancelled = true;
    DockerRunner.closeQuietly(running);
  }

  private StepExit build(StepContext ctx) {
    Map<String, Object> in = ctx.inputs();
    Path workspace = ctx.workspace();
    Path context = workspace.resolve(String.valueOf(in.getOrDefault("context", "."))).normalize();
    // like `docker build -f FILE CONTEXT` run in the workspace; a bare name is also looked for in the context
    String file = String.valueOf(in.getOrDefault("dockerfile", "Dockerfile"));
    Path dockerfile = workspace.resolve(file).normalize();
    if (!Files.exists(dockerfile) && Files.exists(context.resolve(file))) dockerfile = context.resolve(file).normalize();
    if (!context.startsWith(workspace) || !Files.isDirectory(context)) {
      return StepExit.failed(1, "build context " + in.get("context") + " is not a directory in the workspace", Map.of());
    }
    if (!Files.isRegularFile(dockerfile)) {
      return StepExit.failed(1, "no Dockerfile at " + workspace.relativize(dockerfile) + " in the workspace", Map.of());
    }
    if (!dockerfile.startsWith(context)) {
      return StepExit.failed(1, "the Dockerfile " + workspace.relativize(dockerfile) + " must be inside the build context "
          + workspace.relativize(context), Map.of());
    }
    List<String> tags = new ArrayList<>();
    if (in.get("tags") instanceof List<?> list) list.forEach(t -> tags.add(String.valueOf(t)));
    if (tags.isEmpty()) return StepExit.failed(1, "docker-build needs at least one tag", Map.of());

    BuildImageCmd cmd = runner.client().buildImageCmd()
        .withBaseDirectory(context.toFile())
        .withDockerfile(dockerfile.toFile())
        .withTags(new LinkedHashSet<>(tags))
        .withPull(false)
        .withRemove(true)
        .withForcerm(true)
        .withNetworkMode(runner.network().docker())
        .withLabels(Map.of("pipelinekit.execution", ctx.executionId(), "pipelinekit.stage", ctx.stage().id()));
    if (in.get("build_args") instanceof Map<?, ?> args) args.forEach((k, v) -> cmd.withBuildArg(String.valueOf(k), String.valueOf(v)));
    if (in.get("target") != null) cmd.withTarget(String.valueOf(in.get("target")));
    Lines lines = new Lines(ctx);
    BuildImageResultCallback callback = new BuildImageResultCallback() {
      @Override
      public void onNext(BuildResponseItem item) {
        super.onNext(item);
        if (item.getStream() != null) lines.add(item.getStream());
        if (item.getErrorDetail() != null && item.getErrorDetail().getMessage() != null) {
          lines.add("error: " + item.getErrorDetail().getMessage() + "\n");
        }
      }
    };
    String imageId;
    try {
      running = cmd.exec(callback);
      imageId = callback.awaitImageId();
    } catch (DockerClientException e) {
      lines.flush();
      if (cancelled) return StepExit.of(143);
      return StepExit.failed(1, "docker build failed: " + e.getMessage(), Map.of());
    } catch (RuntimeException e) {
      lines.flush();
      if (cancelled) return StepExit.of(143);
      return StepExit.runnerError("docker build: " + e.getMessage());
    } finally {
      running = null;
    }
    lines.flush();
    String digest = runner.client().inspectImageCmd(imageId).exec().getId();
    if (Boolean.TRUE.equals(in.get("push"))) {
      Object user = in.get("registry_username");
      Object password = in.get("registry_password");
      if ((user == null) != (password == null)) {
        return StepExit.failed(1, "docker-build pushes with registry_username and registry_password together; give both or neither",
            Map.of("image", tags.get(0), "digest", digest));
      }
      for (String tag : tags) {
        ctx.log("pushing " + tag + (user != null ? " as " + user : ""));
        java.util.concurrent.atomic.AtomicReference<String> refused = new java.util.concurrent.atomic.AtomicReference<>();
        try {
          var cmdPush = runner.client().pushImageCmd(tag);
          if (user != null) {
            cmdPush.withAuthConfig(new com.github.dockerjava.api.model.AuthConfig().withUsername(String.valueOf(user))
                .withPassword(String.valueOf(password)).withRegistryAddress(registry(tag)));
          }
          var push = cmdPush.exec(new ResultCallback.Adapter<PushResponseItem>() {
            @Override
            public void onNext(PushResponseItem item) {
              if (item.getErrorDetail() != null && item.getErrorDetail().getMessage() != null) {
                refused.compareAndSet(null, item.getErrorDetail().getMessage());
                ctx.log("error: " + item.getErrorDetail().getMessage());
              } else if (item.getStatus() != null && item.getId() == null) {
                ctx.log(item.getStatus());
              }
            }
          });
          running = push;
          push.awaitCompletion();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return StepExit.of(143);
        } catch (RuntimeException e) {
          return StepExit.failed(1, "cannot push " + tag + ": " + e.getMessage(), Map.of("image", tags.get(0), "digest", digest));
        } finally {
          running = null;
        }
        if (refused.get() != null) { // the engine answers 200 and says the failure in the stream
          return StepExit.failed(1, "cannot push " + tag + ": " + refused.get(), Map.of("image", tags.get(0), "digest", digest));
        }
      }
      List<String> repoDigests = runner.client().inspectImageCmd(imageId).exec().getRepoDigests();
      if (repoDigests != null && !repoDigests.isEmpty()) digest = repoDigests.get(0).substring(repoDigests.get(0).indexOf('@') + 1);
    }
    ctx.log("built " + digest + " as " + String.join(", ", tags));
    ctx.output("image", tags.get(0));
    ctx.output("digest", digest);
    return StepExit.SUCCESS;
  }

  /** The registry of an image reference: its first part when that names a host ({@code 127.0.0.1:5000/app}), else Docker Hub. */
  static String registry(String image) {
    int slash = image.indexOf('/');
    if (slash < 0) return "docker.io";
    String first = image.substring(0, slash);
    return first.contains(".") || first.contains(":") || first.equals("localhost") ? first : "docker.io";
  }

  /** The build's stream comes in pieces that do not follow line breaks; this joins and splits them. */
  private static final class Lines {
    private final StepContext ctx;
    private final StringBuilder pending = new StringBuilder();

    Lines(StepContext ctx) {
      this.ctx = ctx;
    }

    synchronized void add(String text) {
      pending.append(text);
      int nl;
      while ((nl = pending.indexOf("\n")) >= 0) {
        String line = pending.substring(0, nl);
        pending.delete(0, nl + 1);
        if (line.endsWith("\r")) line = line.substring(0, line.length() - 1);
        ctx.log(line);
      }
    }

    synchronized void flush() {
      if (pending.length() > 0) ctx.log(pending.toString());
      pending.setLength(0);
    }
  }
}
