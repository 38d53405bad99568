package org.pipelinekit.kubernetes;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.Map;

/**
 * The test's Deployment controller for fabric8's mock API server, which runs none: each new template of a Deployment in the
 * namespace gets a status — rolled out, or, for an image ending in {@code :broken}, stuck past its progress deadline.
 */
final class DeploymentController implements AutoCloseable {
  private final KubernetesClient client;
  private final String namespace;
  private final SharedIndexInformer<Deployment> informer;

  DeploymentController(KubernetesClient client, String namespace) {
    this.client = client;
    this.namespace = namespace;
    this.informer = client.apps().deployments().inNamespace(namespace).inform(new ResourceEventHandler<>() {
      @Override
      public void onAdd(Deployment d) {
        answer(d);
      }

      @Override
      public void onUpdate(Deployment before, Deployment d) {
        answer(d);
      }

      @Override
      public void onDelete(Deployment d, boolean unknown) {
      }
    });
  }

  private void answer(Deployment d) {
    long generation = d.getMetadata().getGeneration() == null ? 0 : d.getMetadata().getGeneration();
    if (d.getStatus() != null && d.getStatus().getObservedGeneration() != null && d.getStatus().getObservedGeneration() >= generation) return;
    int replicas = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
    String image = d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
    DeploymentStatusBuilder status = new DeploymentStatusBuilder().withObservedGeneration(generation).withReplicas(replicas);
    if (image.endsWith(":broken")) {
      status.withUpdatedReplicas(0).withAvailableReplicas(0).withConditions(new DeploymentConditionBuilder().withType("Progressing")
          .withStatus("False").withReason("ProgressDeadlineExceeded").withMessage("ReplicaSet shop-2 has timed out progressing").build());
    } else {
      status.withUpdatedReplicas(replicas).withAvailableReplicas(replicas).withReadyReplicas(replicas);
    }
    d.setStatus(status.build());
    d.getMetadata().setAnnotations(Map.of("deployment.kubernetes.io/revision", Long.toString(generation)));
    client.apps().deployments().inNamespace(namespace).resource(d).updateStatus();
  }

  @Override
  public void close() {
    informer.close();
  }
}
