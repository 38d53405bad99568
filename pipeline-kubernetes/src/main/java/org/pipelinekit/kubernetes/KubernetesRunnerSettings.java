package org.pipelinekit.kubernetes;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Where and how a Kubernetes runner's pods run: the namespace, the service account, the nodes (a node selector and the
 * taints the pods tolerate), the secrets images are pulled with, and the image for jobs that name none. Per runner; a
 * stage chooses a runner with {@code runsOn} labels.
 */
public record KubernetesRunnerSettings(
    String namespace,
    Optional<String> serviceAccount,
    Map<String, String> nodeSelector,
    List<Toleration> tolerations,
    List<String> imagePullSecrets,
    Optional<String> defaultImage) {

  /** A taint the pods tolerate: {@code key}, {@code operator} (Equal or Exists), {@code value}, {@code effect} (empty: all). */
  public record Toleration(String key, String operator, Optional<String> value, Optional<String> effect) {
    public Toleration {
      Objects.requireNonNull(key, "key");
      if (!operator.equals("Equal") && !operator.equals("Exists")) {
        throw new IllegalArgumentException("a toleration's operator is Equal or Exists, got '" + operator + "'");
      }
      Objects.requireNonNull(value, "value");
      Objects.requireNonNull(effect, "effect");
    }
  }

  public KubernetesRunnerSettings {
    Objects.requireNonNull(namespace, "namespace");
    if (!namespace.matches("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?")) {
      throw new IllegalArgumentException("'" + namespace + "' is not a namespace name: lowercase letters, digits and -, at most 63");
    }
    Objects.requireNonNull(serviceAccount, "serviceAccount");
    nodeSelector = Map.copyOf(nodeSelector);
    tolerations = List.copyOf(tolerations);
    imagePullSecrets = List.copyOf(imagePullSecrets);
    Objects.requireNonNull(defaultImage, "defaultImage");
  }

  public static Builder builder(String namespace) {
    return new Builder(namespace);
  }

  public static final class Builder {
    private final String namespace;
    private String serviceAccount;
    private final Map<String, String> nodeSelector = new LinkedHashMap<>();
    private final List<Toleration> tolerations = new ArrayList<>();
    private final List<String> imagePullSecrets = new ArrayList<>();
    private String defaultImage;

    private Builder(String namespace) {
      this.namespace = namespace;
    }

    public Builder serviceAccount(String name) {
      this.serviceAccount = Objects.requireNonNull(name, "name");
      return this;
    }

    public Builder nodeSelector(String label, String value) {
      nodeSelector.put(Objects.requireNonNull(label, "label"), Objects.requireNonNull(value, "value"));
      return this;
    }

    public Builder toleration(Toleration toleration) {
      tolerations.add(Objects.requireNonNull(toleration, "toleration"));
      return this;
    }

    public Builder imagePullSecret(String secret) {
      imagePullSecrets.add(Objects.requireNonNull(secret, "secret"));
      return this;
    }

    public Builder defaultImage(String image) {
      this.defaultImage = Objects.requireNonNull(image, "image");
      return this;
    }

    public KubernetesRunnerSettings build() {
      return new KubernetesRunnerSettings(namespace, Optional.ofNullable(serviceAccount), nodeSelector, tolerations, imagePullSecrets,
          Optional.ofNullable(defaultImage));
    }
  }
}
