package org.pipelinekit.triggers.internal;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.pipelinekit.core.model.Trigger;
import org.pipelinekit.core.run.ExecutionStatus;

/**
 * Whether a push or an upstream run matches a trigger, as GitHub reads its filters: globs where {@code *} stays within
 * a path segment and {@code **} crosses them, {@code !pattern} excluding what an earlier pattern took in; a push with
 * only branch filters does not match tags and one with only tag filters no branches; {@code paths} match when one
 * changed file does. Each answer is empty (it matches) or says why not.
 */
public final class Globs {
  private Globs() {}

  /** Whether {@code value} (a branch, a tag, a path) is taken in by the patterns, the last matching one deciding. */
  public static boolean matches(List<String> patterns, String value) {
    boolean in = false;
    for (String p : patterns) {
      boolean negated = p.startsWith("!");
      String glob = negated ? p.substring(1) : p;
      if (FileSystems.getDefault().getPathMatcher("glob:" + glob).matches(Path.of(value))) in = !negated;
    }
    return in;
  }

  public static Optional<String> mismatch(Trigger.Push t, Optional<String> branch, Optional<String> tag, List<String> changed) {
    boolean filtersRefs = !t.branches().isEmpty() || !t.tags().isEmpty();
    if (branch.isPresent() && filtersRefs) {
      if (t.branches().isEmpty()) return Optional.of("its push trigger filters tags only, and " + branch.get() + " is a branch");
      if (!matches(t.branches(), branch.get())) return Optional.of("branch " + branch.get() + " matches none of " + t.branches());
    }
    if (tag.isPresent() && filtersRefs) {
      if (t.tags().isEmpty()) return Optional.of("its push trigger filters branches only, and " + tag.get() + " is a tag");
      if (!matches(t.tags(), tag.get())) return Optional.of("tag " + tag.get() + " matches none of " + t.tags());
    }
    if (!t.paths().isEmpty() && changed.stream().noneMatch(f -> matches(t.paths(), f))) {
      return Optional.of("no changed file matches paths " + t.paths() + " (changed: " + shorten(changed) + ")");
    }
    return Optional.empty();
  }

  public static Optional<String> upstreamMismatch(Trigger.Upstream u, ExecutionStatus status, Optional<String> branch) {
    boolean end = u.on().contains("completed")
        || u.on().contains("success") && status == ExecutionStatus.SUCCEEDED
        || u.on().contains("failure") && (status == ExecutionStatus.FAILED || status == ExecutionStatus.TIMED_OUT)
        || u.on().contains("cancelled") && status == ExecutionStatus.CANCELLED;
    if (!end) return Optional.of(u.pipeline() + " ended " + status + ", and it runs on " + u.on());
    if (!u.branches().isEmpty() && (branch.isEmpty() || !matches(u.branches(), branch.get()))) {
      return Optional.of(u.pipeline() + " ran for " + branch.orElse("no branch") + ", not one of " + u.branches());
    }
    return Optional.empty();
  }

  private static String shorten(List<String> files) {
    return files.size() <= 5 ? String.join(", ", files) : String.join(", ", files.subList(0, 5)) + " and " + (files.size() - 5) + " more";
  }
}
