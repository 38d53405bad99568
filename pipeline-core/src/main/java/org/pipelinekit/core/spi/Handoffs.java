package org.pipelinekit.core.spi;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Where the files a job hands on wait for the jobs after it (the job's {@code artifacts} paths and its type's hand-off
 * paths): by execution, stage and job. The default is the executor's runs directory ({@code <runs>/<execution>/handoff/}), which hosts
 * of a cluster share by mounting one directory; an object store (pipeline-s3's {@code S3Handoffs}) lets hosts with runs
 * directories of their own hand files on.
 */
public interface Handoffs {
  /** Keeps {@code staged} (a directory the executor made and gives up) as job {@code job}'s hand-off of {@code stageId}. */
  void keep(String executionId, String stageId, int job, Path staged) throws IOException;

  /**
   * Forgets job {@code job}'s hand-off of {@code stageId}, if one is kept: the job handed nothing on this time (a re-run
   * starts from the old execution's hand-offs). Called for every job that succeeded without files to hand on, so it
   * should be cheap when there is nothing; the default keeps an empty directory in its place.
   */
  default void drop(String executionId, String stageId, int job) throws IOException {
    Path empty = java.nio.file.Files.createTempDirectory("pipelinekit-handoff-");
    try {
      keep(executionId, stageId, job, empty);
    } finally {
      java.nio.file.Files.deleteIfExists(empty); // (unless keep moved it away)
    }
  }

  /** Copies the hand-offs of every job of {@code stageId} into {@code into}, in job order; nothing when there are none. */
  void copyInto(String executionId, String stageId, Path into) throws IOException;

  /** Gives {@code toExecution} the hand-offs of {@code fromExecution} (a re-run starts from them). */
  void copy(String fromExecution, String toExecution) throws IOException;

  /** Forgets an execution's hand-offs. */
  void delete(String executionId) throws IOException;
}
