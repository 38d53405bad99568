package org.pipelinekit.core.spi;

import java.util.Objects;
import java.util.function.Supplier;
import org.pipelinekit.core.model.Step;

/**
 * A step as a {@link StageType} plans it: a command for the runner, or an action the engine runs
 * in-process ({@code name} labels it in logs).
 */
public sealed interface PlannedStep {
  String name();

  /** A shell command run by the runner. */
  record Command(Step step) implements PlannedStep {
    public Command {
      Objects.requireNonNull(step, "step");
    }

    @Override
    public String name() {
      return step.label();
    }
  }

  /** Work done in-process; {@code action} makes a fresh action for each attempt. */
  record Action(String name, Supplier<StepAction> action) implements PlannedStep {
    public Action {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(action, "action");
    }
  }
}
