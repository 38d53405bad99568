package org.pipelinekit.templates;

import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Who sees a template: only its {@code owner} (PRIVATE), the members of its {@code project}
 * (PROJECT), or everyone (GLOBAL, as the built-ins are).
 */
public record Sharing(Scope scope, Optional<String> owner, Optional<String> project) {
  public enum Scope {
    PRIVATE,
    PROJECT,
    GLOBAL
  }

  public static final Sharing GLOBAL = new Sharing(Scope.GLOBAL, Optional.empty(), Optional.empty());

  public Sharing {
    Objects.requireNonNull(scope, "scope");
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(project, "project");
    if (scope == Scope.PRIVATE && owner.isEmpty()) throw new IllegalArgumentException("a private template needs an owner");
    if (scope == Scope.PROJECT && project.isEmpty()) throw new IllegalArgumentException("a project template needs a project");
  }

  public static Sharing privateTo(String owner) {
    return new Sharing(Scope.PRIVATE, Optional.of(owner), Optional.empty());
  }

  public static Sharing project(String project) {
    return new Sharing(Scope.PROJECT, Optional.empty(), Optional.of(project));
  }

  /** Who asks: a user and the projects they belong to. */
  public record Viewer(String user, Set<String> projects) {
    public static final Viewer ANYONE = new Viewer("", Set.of());

    public Viewer {
      Objects.requireNonNull(user, "user");
      projects = Set.copyOf(projects);
    }
  }

  public boolean visibleTo(Viewer viewer) {
    return switch (scope) {
      case GLOBAL -> true;
      case PROJECT -> viewer.projects().contains(project.orElseThrow());
      case PRIVATE -> viewer.user().equals(owner.orElseThrow());
    };
  }
}
