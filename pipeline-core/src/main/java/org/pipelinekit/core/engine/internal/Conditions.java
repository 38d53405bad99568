package org.pipelinekit.core.engine.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.pipelinekit.core.expr.Expression;
import org.pipelinekit.core.expr.ExpressionException;
import org.pipelinekit.core.model.Stage;
import org.pipelinekit.core.run.StageStatus;

/**
 * Whether a stage whose needs have all ended runs: without {@code when}, when every need counts as a success; with
 * one, when it is true and (unless it calls a status function such as {@code always()} or {@code failure()}) the
 * needs succeeded. A cancelled run runs only stages whose condition calls a status function.
 */
final class Conditions {
  private Conditions() {}

  /** Run the stage, or end it with this status and reason. */
  record Decision(Optional<StageStatus> end, String reason) {
    static final Decision RUN = new Decision(Optional.empty(), "");

    static Decision end(StageStatus status, String reason) {
      return new Decision(Optional.of(status), reason);
    }
  }

  static Decision decide(Stage stage, Function<String, StageStatus> statusOf, Supplier<StageContext> context, boolean cancelled,
      @Nullable String cancelReason) {
    boolean needsOk = stage.needs().stream().allMatch(n -> statusOf.apply(n).countsAsSuccess());
    Optional<Expression> when;
    try {
      when = stage.when().map(Expression::parseCondition);
    } catch (ExpressionException e) {
      return Decision.end(StageStatus.FAILED, "the condition cannot be parsed: " + e.getMessage());
    }
    boolean statusFunction = when.map(Expression::usesStatusFunction).orElse(false);
    if (cancelled && !statusFunction) return Decision.end(StageStatus.CANCELLED, cancelReason == null ? "cancelled" : cancelReason);
    boolean run;
    try {
      run = when.isEmpty() ? needsOk : (statusFunction || needsOk) && when.get().test(context.get());
    } catch (ExpressionException | UnsupportedOperationException e) {
      return Decision.end(StageStatus.FAILED, "the condition cannot be evaluated: " + e.getMessage());
    }
    if (run) return Decision.RUN;
    if (cancelled) return Decision.end(StageStatus.CANCELLED, String.valueOf(cancelReason));
    return Decision.end(StageStatus.SKIPPED, when.isPresent() && (statusFunction || needsOk)
        ? "condition `" + stage.when().get() + "` is false"
        : "a needed stage did not succeed: " + failedNeeds(stage, statusOf));
  }

  private static String failedNeeds(Stage stage, Function<String, StageStatus> statusOf) {
    List<String> bad = new ArrayList<>();
    for (String n : stage.needs()) {
      StageStatus st = statusOf.apply(n);
      if (!st.countsAsSuccess()) bad.add(n + " (" + st.result() + ")");
    }
    return String.join(", ", bad);
  }
}
