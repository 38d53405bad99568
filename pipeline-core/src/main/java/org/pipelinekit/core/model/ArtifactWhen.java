package org.pipelinekit.core.model;

import java.util.Locale;

/** When a job's artifacts are stored: after it succeeded (the default), after it failed, or either way. */
public enum ArtifactWhen {
  ON_SUCCESS,
  ON_FAILURE,
  ALWAYS;

  /** {@code on-success}, {@code on-failure}, {@code always}. */
  public String id() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  public static ArtifactWhen fromId(String id) {
    for (ArtifactWhen w : values()) {
      if (w.id().equals(id)) return w;
    }
    throw new IllegalArgumentException("'" + id + "' is not when artifacts are stored; use on-success, on-failure or always");
  }

  /** Whether a job that ended so ({@code succeeded}, else failed or timed out) stores its artifacts. */
  public boolean stores(boolean succeeded) {
    return this == ALWAYS || (this == ON_SUCCESS) == succeeded;
  }
}
