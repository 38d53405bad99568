package org.pipelinekit.kubernetes;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.pipelinekit.core.spi.PlannedStep;
import org.pipelinekit.core.spi.ReplannedStageType;
import org.pipelinekit.core.spi.StageType;
import org.pipelinekit.core.spi.StageTypeProvider;
import org.pipelinekit.core.stage.StageRegistry;
import org.pipelinekit.kubernetes.internal.Rollout;

/**
 * {@code deploy-container} on Kubernetes, made real through the fabric8 client: the stage's manifest applied with server-side
 * apply, the image set on the Deployment, the rollout awaited (the Deployment's status) within {@code rollout_timeout}, and a
 * rollout that fails or times out rolled back to the image before. Other platforms keep the built-in's message. Same id,
 * inputs and outputs as the built-in it replaces (priority 10).
 *
 * <p>Found by {@link java.util.ServiceLoader} (then connecting as the environment says: {@code KUBECONFIG}, {@code ~/.kube/config},
 * or the pod's service account, on first use), or made with a host's own client.
 */
public final class KubernetesStageTypes implements StageTypeProvider {
  private final @Nullable KubernetesClient given;
  private @Nullable KubernetesClient made;

  /** For {@link java.util.ServiceLoader}. */
  public KubernetesStageTypes() {
    this.given = null;
  }

  /** Deploys with the host's client (its cluster, namespace and credentials). */
  public KubernetesStageTypes(KubernetesClient client) {
    this.given = Objects.requireNonNull(client, "client");
  }

  private synchronized KubernetesClient client() {
    if (given != null) return given;
    if (made == null) made = new KubernetesClientBuilder().build();
    return made;
  }

  @Override
  public String id() {
    return "pipeline-kubernetes";
  }

  @Override
  public int priority() {
    return 10;
  }

  @Override
  public Collection<StageType> stageTypes() {
    StageType base = StageRegistry.builtins().get("deploy-container");
    return List.of(ReplannedStageType.inHost(base, stage -> { // the client runs in the host, not in a container
      Object platform = stage.inputs().getOrDefault("platform", "kubernetes");
      if (!"kubernetes".equals(String.valueOf(platform))) return base.plan(stage);
      return List.of(new PlannedStep.Action("roll out on Kubernetes", () -> new Rollout(client())));
    }));
  }
}
