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
}
