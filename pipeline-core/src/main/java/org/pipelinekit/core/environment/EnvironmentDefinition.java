package org.pipelinekit.core.environment;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.pipelinekit.core.run.ExecutionTrigger;

/**
 * A deployment target the host defines (not the pipeline): its variables (environment-specific configuration), its
 * secrets (stored as {@code <NAME>__<SECRET>}, read by its stages as {@code secrets.<SECRET>} and by no other stage), and
 * its protection — who must approve a deployment ({@code required} of the {@code approvers}, users or groups), which
 * branches may deploy (globs; empty: any), and how long a deployment waits after its approval before it starts
 * ({@code waitTimer}). A pipeline cannot weaken it: a stage's own environment settings add to it.
 */
public record EnvironmentDefinition(String name, Map<String, String> variables, List<String> approvers, int required, List<String> branches,
    Optional<java.time.Duration> waitTimer) {
  /** An environment without a wait timer. */
  public EnvironmentDefinition(String name, Map<String, String> variables, List<String> approvers, int required, List<String> branches) {
    this(name, variables, approvers, required, branches, Optional.empty());
  }

  public EnvironmentDefinition {
    Objects.requireNonNull(name, "name");
    if (!name.matches("[a-z0-9][a-z0-9_-]*")) {
      throw new IllegalArgumentException("an environment's name is lower-case letters, digits, - and _ (like production), got '" + name + "'");
    }
    variables = Map.copyOf(new LinkedHashMap<>(variables));
    approvers = List.copyOf(approvers);
    branches = List.copyOf(branches);
    if (required < 1) throw new IllegalArgumentException("required approvals must be 1 or more, got " + required);
    if (!approvers.isEmpty() && required > approvers.size()) {
      throw new IllegalArgumentException("environment " + name + " requires " + required + " approvals but names " + approvers.size() + " approvers");
    }
    for (String b : branches) {
      if (b.isBlank()) throw new IllegalArgumentException("a branch pattern of environment " + name + " is blank");
      FileSystems.getDefault().getPathMatcher("glob:" + b);
    }
    Objects.requireNonNull(waitTimer, "waitTimer");
    waitTimer.ifPresent(w -> {
      if (w.isNegative() || w.isZero() || w.compareTo(java.time.Duration.ofDays(30)) > 0) {
        throw new IllegalArgumentException("the wait timer of environment " + name + " must be more than 0 and at most 30 days, got " + w);
      }
    });
    for (String v : variables.keySet()) {
      if (!v.matches("[A-Za-z_][A-Za-z0-9_]*")) throw new IllegalArgumentException("variable name '" + v + "' of environment " + name + " is not a shell name");
    }
  }

  /** The prefix of this environment's secrets in the secret store: {@code PRODUCTION__}. */
  public String secretPrefix() {
    return secretPrefix(name);
  }

  public static String secretPrefix(String environment) {
    return environment.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_") + "__";
  }

  /** Why a run with this trigger may not deploy here, or empty when its branch may. */
  public Optional<String> refusal(ExecutionTrigger trigger) {
    return refusal(name, branches, trigger);
  }

  /** Why a run with this trigger may not deploy to {@code name}, which only {@code branches} (globs; empty: any) may. */
  public static Optional<String> refusal(String name, List<String> branches, ExecutionTrigger trigger) {
    if (branches.isEmpty()) return Optional.empty();
    if (trigger.kind().equals("pull-request")) {
      return Optional.of("a pull request's run may not deploy to " + name + " (only branches " + branches + " may)");
    }
    Optional<String> branch = trigger.branch();
    if (branch.isEmpty() || branch.get().isEmpty() || branch.get().contains("\0")) {
      return Optional.of("a run without a branch may not deploy to " + name + " (only branches " + branches + " may)");
    }
    Path path = Path.of(branch.get());
    boolean allowed = branches.stream().anyMatch(g -> FileSystems.getDefault().getPathMatcher("glob:" + g).matches(path));
    return allowed ? Optional.empty() : Optional.of("branch " + branch.get() + " may not deploy to " + name + " (only branches " + branches + " may)");
  }

  /** A definition with only a name: no variables, no protection. */
  public static EnvironmentDefinition named(String name) {
    return new EnvironmentDefinition(name, Map.of(), List.of(), 1, List.of());
  }

}
