package org.pipelinekit.kubernetes.internal;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.pipelinekit.core.model.Durations;
import org.pipelinekit.core.spi.StepAction;
import org.pipelinekit.core.spi.StepContext;
import org.pipelinekit.core.spi.StepExit;

/**
 * One deploy-container stage on Kubernetes: apply the manifest (server-side apply, field manager {@code pipelinekit}), set
 * the image (and replicas) on the Deployment, wait until its status says the new template is rolled out — or that its
 * progress deadline passed, or {@code rollout_timeout} — and on failure set the image it had before and say so.
 */
public final class Rollout implements StepAction {
  private static final String MANAGER = "pipelinekit";
  private final KubernetesClient client;
  private volatile @Nullable CompletableFuture<?> waiting;
  private volatile boolean cancelled;

  public Rollout(KubernetesClient client) {
    this.client = client;
  }

  @Override
  public CompletionStage<StepExit> run(StepContext ctx) {
    return CompletableFuture.supplyAsync(() -> deploy(ctx), ctx.blockingExecutor());
  }

  @Override
  public void cancel() {
    cancelled = true;
    CompletableFuture<?> w = waiting;
    if (w != null) w.cancel(true);
  }

  private StepExit deploy(StepContext ctx) {
    Map<String, Object> in = ctx.inputs();
    String ns = String.valueOf(in.getOrDefault("namespace", "default"));
    String name = String.valueOf(in.get("name"));
    String image = String.valueOf(in.get("image"));
    int replicas = ((Number) in.getOrDefault("replicas", 1L)).intValue();
    Duration timeout = Durations.parse(String.valueOf(in.getOrDefault("rollout_timeout", "5m")));
    try {
      var resource = client.apps().deployments().inNamespace(ns).withName(name);
      Deployment before = resource.get(); // what runs now: a failed rollout goes back to it
      String containerName = Optional.ofNullable(in.get("container")).map(String::valueOf).orElse(null);
      Optional<String> previous = Optional.ofNullable(before).map(b -> container(b, name, containerName)).map(Container::getImage);
      Integer previousReplicas = before == null ? null : before.getSpec().getReplicas();
      boolean set = false;
      if (in.get("manifest") != null) {
        Path manifest = ctx.workspace().resolve(String.valueOf(in.get("manifest"))).normalize();
        if (!manifest.startsWith(ctx.workspace()) || !Files.isRegularFile(manifest)) {
          return StepExit.failed(1, "no manifest " + in.get("manifest") + " in the workspace", Map.of());
        }
        try (InputStream text = Files.newInputStream(manifest)) {
          for (HasMetadata item : client.load(text).items()) {
            if (item instanceof Deployment d && name.equals(d.getMetadata().getName())) {
              // the image and replicas go in with the manifest: one change, one rollout
              Container c = container(d, name, containerName);
              if (c == null) return noContainer(d, name, containerName);
              c.setImage(image);
              d.getSpec().setReplicas(replicas);
              set = true;
            }
            apply(ctx, ns, item);
          }
        }
      }
      Deployment current = resource.get();
      if (current == null) {
        return StepExit.failed(1, "there is no Deployment " + name + " in namespace " + ns + "; give a manifest that makes it (manifest:)",
            Map.of());
      }
      Container target = container(current, name, containerName);
      if (target == null) return noContainer(current, name, containerName);
      String targetName = target.getName();
      ctx.log("deployment/" + name + ": " + targetName + " " + previous.map(p -> p + " → ").orElse("") + image + ", " + replicas + " replicas");
      if (!set) {
        current = resource.edit(d -> {
          d.getSpec().setReplicas(replicas);
          container(d, name, targetName).setImage(image);
          return d;
        });
      }
      Verdict verdict = await(ns, name, generation(current), timeout);
      if (verdict.ok()) {
        Deployment now = resource.get();
        String revision = Optional.ofNullable(now.getMetadata().getAnnotations()).map(a -> a.get("deployment.kubernetes.io/revision"))
            .orElse(String.valueOf(generation(now)));
        ctx.output("revision", revision);
        ctx.log("deployment/" + name + " rolled out " + image + " (revision " + revision + ")");
        return StepExit.SUCCESS;
      }
      if (cancelled) return StepExit.of(143);
      ctx.log("error: deployment/" + name + " did not roll out: " + verdict.why());
      if (previous.isEmpty()) {
        return StepExit.failed(1, "deployment/" + name + " did not roll out " + image + ": " + verdict.why() + "; it had no image before to"
            + " roll back to", Map.of());
      }
      resource.edit(d -> {
        d.getSpec().setReplicas(previousReplicas);
        container(d, name, targetName).setImage(previous.get());
        return d;
      });
      ctx.log("rolled back deployment/" + name + " to " + previous.get());
      return StepExit.failed(1, "deployment/" + name + " did not roll out " + image + ": " + verdict.why() + "; rolled back to "
          + previous.get(), Map.of());
    } catch (KubernetesClientException e) {
      return StepExit.failed(1, "Kubernetes refused: " + e.getMessage(), Map.of());
    } catch (IOException e) {
      return StepExit.failed(1, "cannot read the manifest: " + e.getMessage(), Map.of());
    }
  }

  private static StepExit noContainer(Deployment d, String name, @Nullable String wanted) {
    return StepExit.failed(1, "Deployment " + name + " has no container " + wanted + "; its containers are "
        + d.getSpec().getTemplate().getSpec().getContainers().stream().map(Container::getName).toList(), Map.of());
  }

  /** Server-side apply as the field manager pipelinekit, taking the fields it sets from other managers. */
  private void apply(StepContext ctx, String ns, HasMetadata item) {
    try {
      client.resource(item).inNamespace(ns).fieldManager(MANAGER).forceConflicts().serverSideApply();
    } catch (KubernetesClientException e) {
      // a real API server creates and merges what an apply names; one that does not take apply patches (fabric8's mock
      // server: 404 for a new object, 415 for an existing one) gets a create, or the object replaced
      if (e.getCode() == 404) {
        client.resource(item).inNamespace(ns).create();
      } else if (e.getCode() == 415) {
        ctx.log("this API server does not take server-side apply; replacing " + item.getKind() + "/" + item.getMetadata().getName());
        client.resource(item).inNamespace(ns).update();
      } else {
        throw e;
      }
    }
    ctx.log("applied " + item.getKind() + "/" + item.getMetadata().getName() + " in " + ns);
  }

  private record Verdict(boolean ok, String why) {}

  /** Until the status shows the new template rolled out, or a progress deadline passed, or the time is up. */
  private Verdict await(String ns, String name, long generation, Duration timeout) {
    CompletableFuture<List<Deployment>> decided = client.apps().deployments().inNamespace(ns).withName(name)
        .informOnCondition(list -> !list.isEmpty() && (done(list.get(0), generation) || stuck(list.get(0)).isPresent()));
    waiting = decided;
    try {
      Deployment d = decided.get(timeout.toMillis(), TimeUnit.MILLISECONDS).get(0);
      return stuck(d).map(why -> new Verdict(false, why)).orElse(new Verdict(true, ""));
    } catch (TimeoutException e) {
      return new Verdict(false, "not rolled out within " + Durations.format(timeout));
    } catch (ExecutionException e) {
      return new Verdict(false, "watching it failed: " + e.getCause().getMessage());
    } catch (InterruptedException | java.util.concurrent.CancellationException e) {
      if (e instanceof InterruptedException) Thread.currentThread().interrupt();
      return new Verdict(false, "cancelled");
    } finally {
      decided.cancel(true);
      waiting = null;
    }
  }

  /** The controller saw the new template and every replica is updated and available. */
  private static boolean done(Deployment d, long generation) {
    var s = d.getStatus();
    if (s == null || s.getObservedGeneration() == null || s.getObservedGeneration() < generation) return false;
    int want = Objects.requireNonNullElse(d.getSpec().getReplicas(), 1);
    return Objects.requireNonNullElse(s.getUpdatedReplicas(), 0) >= want && Objects.requireNonNullElse(s.getAvailableReplicas(), 0) >= want
        && Objects.requireNonNullElse(s.getReplicas(), 0) <= want;
  }

  /** Why the controller gave up on the rollout (its progress deadline passed), if it did. */
  private static Optional<String> stuck(Deployment d) {
    if (d.getStatus() == null || d.getStatus().getConditions() == null) return Optional.empty();
    for (DeploymentCondition c : d.getStatus().getConditions()) {
      if ("Progressing".equals(c.getType()) && "False".equals(c.getStatus())) {
        return Optional.of(Optional.ofNullable(c.getReason()).orElse("not progressing") + Optional.ofNullable(c.getMessage()).map(m -> " (" + m + ")")
            .orElse(""));
      }
    }
    return Optional.empty();
  }

  private static long generation(Deployment d) {
    return Optional.ofNullable(d.getMetadata().getGeneration()).orElse(0L);
  }

  private static @Nullable Container container(Deployment d, String deployment, @Nullable String wanted) {
    List<Container> all = d.getSpec().getTemplate().getSpec().getContainers();
    if (wanted != null) return all.stream().filter(c -> wanted.equals(c.getName())).findFirst().orElse(null);
    return all.stream().filter(c -> deployment.equals(c.getName())).findFirst().orElse(all.isEmpty() ? null : all.get(0));
  }
}
