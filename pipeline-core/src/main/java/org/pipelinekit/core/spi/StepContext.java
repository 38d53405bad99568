package org.pipelinekit.core.spi;

/**
 * What a {@link StepInterceptor} or an in-process {@link StepAction} knows about its step: the job's
 * context and where the step stands in it. Work that belongs to the whole job (before its first step,
 * after its last) is a {@link JobInterceptor}'s, not a step interceptor's.
 */
public interface StepContext extends JobContext {
  /** 0-based index of the step in the job, and how many steps the job has. */
  int stepIndex();

  int stepCount();

  /** The step's name: the one it was given, else the first line of its command, or the in-process action's name. */
  default String stepName() {
    return "step " + (stepIndex() + 1);
  }
}
