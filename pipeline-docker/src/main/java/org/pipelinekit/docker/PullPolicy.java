package org.pipelinekit.docker;

/** When {@link DockerRunner} pulls a step's image from its registry. */
public enum PullPolicy {
  /** Only images already on the engine are used; a missing one fails the step, naming it. */
  NEVER,
  /** Pulled when the engine does not have it (the default). */
  IF_MISSING,
  /** Pulled before every step, so a moving tag such as {@code :latest} is fresh. */
  ALWAYS
}
