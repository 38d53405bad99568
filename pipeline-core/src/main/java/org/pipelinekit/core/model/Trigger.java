package org.pipelinekit.core.model;

import java.util.List;
import java.util.Optional;

/** What starts an execution. Written in files as {@code - push: { branches: [main] }}. */
public sealed interface Trigger {

  /** The key this trigger is written under: push, pull-request, schedule, manual, api, upstream. */
  String kind();

  /** A push to a branch matching {@code branches} (glob; empty means any), or a tag, touching {@code paths}. */
  record Push(List<String> branches, List<String> tags, List<String> paths) implements Trigger {
    public Push {
      branches = Checks.list(branches, "push branches");
      tags = Checks.list(tags, "push tags");
      paths = Checks.list(paths, "push paths");
    }

    @Override
    public String kind() {
      return "push";
    }
  }

  /** A pull request targeting a branch matching {@code branches}, touching {@code paths}. */
  record PullRequest(List<String> branches, List<String> paths) implements Trigger {
    public PullRequest {
      branches = Checks.list(branches, "pull-request branches");
      paths = Checks.list(paths, "pull-request paths");
    }

    @Override
    public String kind() {
      return "pull-request";
    }
  }

  /** A cron schedule (five fields or a macro such as {@code @daily}), in {@code timezone} (UTC if empty). */
  record Schedule(String cron, Optional<String> timezone) implements Trigger {
    public Schedule {
      Checks.notBlank(cron, "schedule cron");
      Checks.optionalText(timezone, "schedule timezone");
    }

    @Override
    public String kind() {
      return "schedule";
    }
  }

  /** Started by a person (the designer's Run button, the CLI). */
  record Manual() implements Trigger {
    @Override
    public String kind() {
      return "manual";
    }
  }

  /** Started through the REST API or the Java API. */
  record Api() implements Trigger {
    @Override
    public String kind() {
      return "api";
    }
  }

  /**
   * Started when an execution of the {@code pipeline} with that id ends as {@code on} says ({@code success} by default;
   * also {@code failure}, {@code cancelled}, or {@code completed} for any end) on one of {@code branches} (globs; any when
   * empty). The started run reads the upstream run's outputs as {@code upstream.outputs.NAME}.
   */
  record Upstream(String pipeline, List<String> on, List<String> branches) implements Trigger {
    /** The ends an upstream trigger can wait for. */
    public static final List<String> ENDS = List.of("success", "failure", "cancelled", "completed");

    public Upstream {
      Checks.notBlank(pipeline, "upstream pipeline");
      on = Checks.list(on, "upstream on");
      for (String end : on) {
        if (!ENDS.contains(end)) {
          throw new IllegalArgumentException("upstream on '" + end + "' is not an end; use " + String.join(", ", ENDS));
        }
      }
      if (on.isEmpty()) on = List.of("success");
      branches = Checks.list(branches, "upstream branches");
    }

    public Upstream(String pipeline) {
      this(pipeline, List.of("success"), List.of());
    }

    @Override
    public String kind() {
      return "upstream";
    }
  }

  static Push push(String... branches) {
    return new Push(List.of(branches), List.of(), List.of());
  }

  static PullRequest pullRequest(String... branches) {
    return new PullRequest(List.of(branches), List.of());
  }

  static Schedule schedule(String cron) {
    return new Schedule(cron, Optional.empty());
  }

  static Manual manual() {
    return new Manual();
  }

  static Api api() {
    return new Api();
  }

  static Upstream upstream(String pipeline) {
    return new Upstream(pipeline);
  }
}
