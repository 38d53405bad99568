package org.pipelinekit.core.simulate;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** Decides what a step does in a simulation instead of running it; empty: no answer (the simulation runs it for real or fails it). */
@FunctionalInterface
public interface StepScript {
  Optional<Answer> answer(SimulatedStep.Request step);

  /** Every step succeeds at once without output: what a dry run assumes. */
  static StepScript succeedEverything() {
    return step -> Optional.of(Answer.SUCCESS);
  }

  /**
   * What a scripted step does: prints {@code lines}, writes {@code files} (paths relative to its working directory),
   * takes {@code takes} of virtual time, then exits with {@code exitCode} and {@code outputs} (as if written to
   * {@code $PIPELINE_OUTPUT}).
   */
  record Answer(int exitCode, List<String> lines, Map<String, String> outputs, Duration takes, Map<String, String> files) {
    public static final Answer SUCCESS = new Answer(0, List.of(), Map.of(), Duration.ZERO, Map.of());

    public Answer {
      lines = List.copyOf(lines);
      outputs = Map.copyOf(outputs);
      Objects.requireNonNull(takes, "takes");
      if (takes.isNegative()) throw new IllegalArgumentException("a step cannot take negative time: " + takes);
      files = Map.copyOf(files);
    }
  }
}
