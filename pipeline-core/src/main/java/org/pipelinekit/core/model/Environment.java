package org.pipelinekit.core.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The deployment target a stage deploys to ({@code production}, {@code staging}): its variables
 * are added to the stage's environment, and its protection limits which branches may deploy and
 * who must approve.
 */
public record Environment(String name, Optional<String> url, Map<String, String> variables, Optional<Protection> protection) {
  public Environment {
    Checks.notBlank(name, "environment name");
    Checks.optionalText(url, "environment url");
    variables = Checks.orderedMap(variables, "environment variables");
    protection = Checks.optional(protection, "environment protection")
        .filter(p -> !p.branches().isEmpty() || !p.approvers().isEmpty());
  }

  public static Environment named(String name) {
    return new Environment(name, Optional.empty(), Map.of(), Optional.empty());
  }

  /** Only these branches may deploy (glob patterns); these approvers must approve every deployment. */
  public record Protection(List<String> branches, List<String> approvers) {
    public Protection {
      branches = Checks.list(branches, "environment protection branches");
      approvers = Checks.list(approvers, "environment protection approvers");
    }
  }

  /** Configures an environment: {@code environment("production", e -> e.url("https://...").protectBranches("main"))}. */
  public static final class Builder {
    private final String name;
    private Optional<String> url = Optional.empty();
    private final Map<String, String> variables = new LinkedHashMap<>();
    private final List<String> branches = new ArrayList<>();
    private final List<String> approvers = new ArrayList<>();

    public Builder(String name) {
      this.name = Checks.notBlank(name, "environment name");
    }

    public Builder(Environment from) {
      name = from.name;
      url = from.url;
      variables.putAll(from.variables);
      from.protection.ifPresent(p -> {
        branches.addAll(p.branches);
        approvers.addAll(p.approvers);
      });
    }

    public Builder url(String url) {
      this.url = Optional.of(Checks.notBlank(url, "environment url"));
      return this;
    }

    public Builder variable(String name, String value) {
      variables.put(Checks.notBlank(name, "environment variable name"), Checks.notNull(value, "environment variable " + name));
      return this;
    }

    public Builder protectBranches(String... patterns) {
      for (String p : patterns) branches.add(Checks.notBlank(p, "protected branch"));
      return this;
    }

    public Builder requireApprovalFrom(String... names) {
      for (String n : names) approvers.add(Checks.notBlank(n, "environment approver"));
      return this;
    }

    public Environment build() {
      Optional<Protection> protection = branches.isEmpty() && approvers.isEmpty()
          ? Optional.empty() : Optional.of(new Protection(branches, approvers));
      return new Environment(name, url, variables, protection);
    }
  }
}
