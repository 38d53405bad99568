package org.pipelinekit.notify;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.pipelinekit.core.model.NotifyRule;

/**
 * What a run did, as every channel hears it: the event, the pipeline and run, how it ended, where it ran from (branch,
 * commit, its message and author when the trigger knew them), the stages that failed or wait, and a link to the run.
 */
public record Notification(NotifyRule.Event event, String pipelineId, String pipelineName, String executionId, long number, String status,
    Optional<String> branch, Optional<String> commit, Optional<String> author, Optional<String> message, List<String> failedStages,
    Optional<String> waitingStage, Optional<String> link, Optional<Duration> duration, Instant time) {
  public Notification {
    Objects.requireNonNull(event, "event");
    failedStages = List.copyOf(failedStages);
  }

  /** One line: {@code shop #12 failed on main (build, test)}. */
  public String title() {
    String what = switch (event) {
      case STARTED -> "started";
      case SUCCEEDED -> "succeeded";
      case FAILED -> "failed";
      case FIXED -> "is fixed";
      case CANCELLED -> "was cancelled";
      case APPROVAL_WAITING -> "waits for approval" + waitingStage.map(s -> " of " + s).orElse("");
    };
    return pipelineName + " #" + number + " " + what + branch.map(b -> " on " + b).orElse("")
        + (event == NotifyRule.Event.FAILED && !failedStages.isEmpty() ? " (" + String.join(", ", failedStages) + ")" : "");
  }

  /** The same key for a branch's failure and its fix, so an incident opened by one is closed by the other. */
  public String dedupKey() {
    return "pipelinekit/" + pipelineId + "/" + branch.orElse("-");
  }

  /** {@code abc1234def56} (twelve characters), for messages. */
  public Optional<String> shortCommit() {
    return commit.map(c -> c.length() > 12 ? c.substring(0, 12) : c);
  }

  public String eventId() {
    return event.id().toLowerCase(Locale.ROOT);
  }
}
