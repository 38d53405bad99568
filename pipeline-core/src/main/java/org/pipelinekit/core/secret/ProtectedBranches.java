package org.pipelinekit.core.secret;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.List;
import java.util.Optional;
import org.pipelinekit.core.run.ExecutionTrigger;

/**
 * Which runs get secrets: those for a protected branch or tag (globs: {@code main}, {@code release/*}, {@code v*}; {@code *}
 * stays within a path segment, {@code **} crosses them). A run of a pull request never does — its code is not on a
 * protected branch yet, and it may come from a fork (GitHub's rule; stricter for a pull request from the repository
 * itself) — nor does a run with no branch. Such a run reads every secret as an empty string, and is told so.
 */
public record ProtectedBranches(List<String> branches, List<String> tags) {
  public ProtectedBranches {
    branches = List.copyOf(branches);
    tags = List.copyOf(tags);
    if (branches.isEmpty() && tags.isEmpty()) throw new IllegalArgumentException("name at least one protected branch or tag");
    for (String g : branches) matcher(g);
    for (String g : tags) matcher(g);
  }

  /** Why a run with this trigger gets no secrets, or empty when it gets them. */
  public Optional<String> withholds(ExecutionTrigger trigger) {
    String what = "secrets go only to runs of protected branches " + branches + (tags.isEmpty() ? "" : " and tags " + tags);
    if (trigger.kind().equals("pull-request")) return Optional.of(what + ", and this run is of a pull request");
    Optional<String> tag = Optional.ofNullable(trigger.details().get("tag")).filter(t -> !t.isBlank());
    if (tag.isPresent()) {
      return matches(tags, tag.get()) ? Optional.empty() : Optional.of(what + ", and this run is for tag " + tag.get());
    }
    if (trigger.branch().isEmpty()) return Optional.of(what + ", and this run names no branch");
    String branch = trigger.branch().get();
    return matches(branches, branch) ? Optional.empty() : Optional.of(what + ", and this run is for branch " + branch);
  }

  /** Whether a branch (or tag) name matches one of the globs ({@code main}, {@code release/*}), as protection reads them. */
  public static boolean matchesAny(List<String> globs, String name) {
    return matches(globs, name);
  }

  private static boolean matches(List<String> globs, String name) {
    if (name.isEmpty() || name.contains("\0")) return false;
    Path path = Path.of(name);
    return globs.stream().anyMatch(g -> matcher(g).matches(path));
  }

  private static PathMatcher matcher(String glob) {
    if (glob.isBlank()) throw new IllegalArgumentException("a protected branch or tag pattern must not be blank");
    return FileSystems.getDefault().getPathMatcher("glob:" + glob);
  }
}
