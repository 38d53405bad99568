package org.pipelinekit.core.run;

import java.time.Instant;

/**
 * One line of a stage's log. {@code number} counts from 1 within the stage, across its matrix jobs
 * and attempts, so a reader can resume after the last number it saw. Secrets are already masked.
 */
public record LogLine(String stageId, long number, Instant time, String jobId, int attempt, String text) {}
