package org.pipelinekit.core.run;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What started an execution and for which code: the trigger kind (push, manual, api, schedule,
 * ...), the branch and commit, who, and what else the trigger knows ({@code details}: the repository,
 * the commit message, a compare URL, the schedule's fire time, the upstream execution and its outputs
 * as {@code upstream.outputs.NAME}). Expressions read them as {@code branch}, {@code commit},
 * {@code trigger.kind}/{@code trigger.actor}/{@code trigger.<detail>} and {@code upstream.outputs.NAME}.
 */
public record ExecutionTrigger(String kind, Optional<String> branch, Optional<String> commit, Optional<String> actor,
    Map<String, String> details) {
  /** The detail naming the repository (as registered) whose commit an execution builds. */
  public static final String REPOSITORY = "repository";
  /** The detail that traces an execution's command steps ({@code true}: each runs with {@code set -x}, every command it runs logged). */
  public static final String TRACE = "trace";
  /** The prefix of the details that hold an upstream execution's outputs. */
  public static final String UPSTREAM_OUTPUTS = "upstream.outputs.";

  public ExecutionTrigger {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(branch, "branch");
    Objects.requireNonNull(commit, "commit");
    Objects.requireNonNull(actor, "actor");
    details = Map.copyOf(new java.util.TreeMap<>(Objects.requireNonNull(details, "details")));
  }

  public ExecutionTrigger(String kind, Optional<String> branch, Optional<String> commit, Optional<String> actor) {
    this(kind, branch, commit, actor, Map.of());
  }

  /** A trigger of this kind (push, schedule, upstream, …) with nothing else known yet. */
  public static ExecutionTrigger of(String kind) {
    return new ExecutionTrigger(kind, Optional.empty(), Optional.empty(), Optional.empty());
  }

  /** The same trigger with one more detail. */
  public ExecutionTrigger detail(String name, String value) {
    Map<String, String> d = new java.util.HashMap<>(details);
    d.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
    return new ExecutionTrigger(kind, branch, commit, actor, d);
  }

  public static ExecutionTrigger manual() {
    return new ExecutionTrigger("manual", Optional.empty(), Optional.empty(), Optional.empty());
  }

  public static ExecutionTrigger api() {
    return new ExecutionTrigger("api", Optional.empty(), Optional.empty(), Optional.empty());
  }

  /** The same trigger traced ({@link #TRACE}) or not. */
  public ExecutionTrigger traced(boolean trace) {
    Map<String, String> d = new java.util.HashMap<>(details);
    if (trace) d.put(TRACE, "true");
    else d.remove(TRACE);
    return new ExecutionTrigger(kind, branch, commit, actor, d);
  }

  public boolean isTraced() {
    return "true".equals(details.get(TRACE));
  }

  public ExecutionTrigger branch(String branch) {
    return new ExecutionTrigger(kind, Optional.of(branch), commit, actor, details);
  }

  public ExecutionTrigger commit(String commit) {
    return new ExecutionTrigger(kind, branch, Optional.of(commit), actor, details);
  }

  public ExecutionTrigger actor(String actor) {
    return new ExecutionTrigger(kind, branch, commit, Optional.of(actor), details);
  }
}
