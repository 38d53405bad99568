package org.pipelinekit.test;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.pipelinekit.core.run.ExecutionTrigger;

/**
 * What starts a run in a test: the event ({@code push}, {@code pull-request}, {@code schedule}, {@code manual}, …), the
 * branch and the parameters. Immutable; each method returns a changed copy.
 *
 * <pre>{@code Trigger.push("main").param("version", "1.8.2")}</pre>
 */
public final class Trigger {
  private final ExecutionTrigger trigger;
  private final Map<String, Object> params;

  private Trigger(ExecutionTrigger trigger, Map<String, Object> params) {
    this.trigger = trigger;
    this.params = Map.copyOf(params);
  }

  /** A run started by hand, on no branch. */
  public static Trigger manual() {
    return new Trigger(ExecutionTrigger.manual(), Map.of());
  }

  /** A push to {@code branch}. */
  public static Trigger push(String branch) {
    return event("push").branch(branch);
  }

  /** A pull request from {@code branch}. */
  public static Trigger pullRequest(String branch) {
    return event("pull-request").branch(branch);
  }

  /** A scheduled run of {@code branch}. */
  public static Trigger schedule(String branch) {
    return event("schedule").branch(branch);
  }

  /** Any event kind, as the engine's {@code trigger.kind} reads it. */
  public static Trigger event(String kind) {
    return new Trigger(ExecutionTrigger.of(kind), Map.of());
  }

  public Trigger branch(String branch) {
    return new Trigger(trigger.branch(Objects.requireNonNull(branch, "branch")), params);
  }

  public Trigger commit(String commit) {
    return new Trigger(trigger.commit(commit), params);
  }

  public Trigger actor(String actor) {
    return new Trigger(trigger.actor(actor), params);
  }

  /** A parameter of the run ({@code ${{ params.NAME }}}). */
  public Trigger param(String name, Object value) {
    Map<String, Object> p = new LinkedHashMap<>(params);
    p.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
    return new Trigger(trigger, p);
  }

  public ExecutionTrigger executionTrigger() {
    return trigger;
  }

  public Map<String, Object> params() {
    return params;
  }

  @Override
  public String toString() {
    return trigger.kind() + trigger.branch().map(b -> " of " + b).orElse("") + (params.isEmpty() ? "" : " with " + params);
  }
}
