package org.pipelinekit.core.spi;

import java.util.Collection;

/**
 * Supplies stage types; listed in {@code META-INF/services/org.pipelinekit.core.spi.StageTypeProvider}.
 */
public interface StageTypeProvider {

  /** A name for error messages (for example which two providers define the same type id). */
  default String id() {
    return getClass().getName();
  }

  Collection<StageType> stageTypes();

  /**
   * When two providers offer a type with the same id, the one with the higher priority wins (a
   * module replacing a built-in, such as pipeline-docker's docker-build, uses a priority above 0);
   * equal priorities are an error.
   */
  default int priority() {
    return 0;
  }
}
