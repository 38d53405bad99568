package org.pipelinekit.core.validate;

import java.util.Optional;

/**
 * What a host allows: the most CPU and memory one stage may ask for (empty: no limit) and the most
 * combinations one matrix may expand to.
 */
public record ValidationLimits(Optional<Long> maxCpuMillicores, Optional<Long> maxMemoryBytes, int maxMatrixCombinations) {
  public static final int DEFAULT_MAX_MATRIX = org.pipelinekit.core.plan.Matrices.DEFAULT_MAX_COMBINATIONS;
  public static final ValidationLimits DEFAULTS = new ValidationLimits(Optional.empty(), Optional.empty(), DEFAULT_MAX_MATRIX);

  public ValidationLimits {
    java.util.Objects.requireNonNull(maxCpuMillicores, "maxCpuMillicores");
    java.util.Objects.requireNonNull(maxMemoryBytes, "maxMemoryBytes");
    if (maxMatrixCombinations < 1) {
      throw new IllegalArgumentException("maxMatrixCombinations must be 1 or more, got " + maxMatrixCombinations);
    }
  }

  /** Limits with a per-stage CPU and memory cap written as in files: {@code of("4", "8Gi")}. */
  public static ValidationLimits of(String maxCpu, String maxMemory) {
    return new ValidationLimits(Optional.of(org.pipelinekit.core.model.Resources.parseCpu(maxCpu)),
        Optional.of(org.pipelinekit.core.model.Resources.parseMemory(maxMemory)), DEFAULT_MAX_MATRIX);
  }

  public ValidationLimits withMaxMatrixCombinations(int max) {
    return new ValidationLimits(maxCpuMillicores, maxMemoryBytes, max);
  }
}
