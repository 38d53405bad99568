package org.pipelinekit.core.run;

import java.util.Objects;
import java.util.Optional;

/**
 * What started an execution and for which code: the trigger kind (push, manual, api, schedule,
 * ...), the branch and commit, and who. Expressions read them as {@code branch}, {@code commit} and
 * {@code trigger.kind}/{@code trigger.actor}.
 */
public record ExecutionTrigger(String kind, Optional<String> branch, Optional<String> commit, Optional<String> actor) {
  public ExecutionTrigger {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(branch, "branch");
    Objects.requireNonNull(commit, "commit");
    Objects.requireNonNull(actor, "actor");
  }

  public static ExecutionTrigger manual() {
    return new ExecutionTrigger("manual", Optional.empty(), Optional.empty(), Optional.empty());
  }

  public static ExecutionTrigger api() {
    return new ExecutionTrigger("api", Optional.empty(), Optional.empty(), Optional.empty());
  }

  public ExecutionTrigger branch(String branch) {
    return new ExecutionTrigger(kind, Optional.of(branch), commit, actor);
  }

  public ExecutionTrigger commit(String commit) {
    return new ExecutionTrigger(kind, branch, Optional.of(commit), actor);
  }

  public ExecutionTrigger actor(String actor) {
    return new ExecutionTrigger(kind, branch, commit, Optional.of(actor));
  }
}
