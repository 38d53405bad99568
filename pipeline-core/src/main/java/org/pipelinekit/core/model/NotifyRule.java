package org.pipelinekit.core.model;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A pipeline-level notification: when one of {@code on} happens to a run of one of {@code branches} (globs; empty: any
 * branch), tell {@code channel} ({@code slack}, {@code email}, {@code webhook}, {@code jira}, {@code datadog},
 * {@code pagerduty}, or a host's own) with its {@code settings}, whose values may read {@code ${{ secrets.NAME }}}. In files:
 *
 * <pre>{@code
 * notify:
 *   - on: [failed, fixed]
 *     branches: [main]
 *     slack: { webhook_url: '${{ secrets.SLACK_WEBHOOK }}' }
 * }</pre>
 *
 * A notification that cannot be delivered never fails the run; the host's notifier reports it.
 */
public record NotifyRule(Set<Event> on, List<String> branches, String channel, Map<String, String> settings) {
  /** What a run does that a rule can be told. */
  public enum Event {
    /** The run started. */
    STARTED,
    /** The run succeeded. */
    SUCCEEDED,
    /** The run failed (or timed out). */
    FAILED,
    /** The run succeeded and the branch's run before it (of the same pipeline) did not. */
    FIXED,
    /** A stage waits for an approval. */
    APPROVAL_WAITING,
    /** The run was cancelled. */
    CANCELLED;

    /** {@code approval-waiting}, as files write it. */
    public String id() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static Event of(String id) {
      for (Event e : values()) if (e.id().equals(id)) return e;
      throw new IllegalArgumentException("no notify event '" + id + "'; the events are "
          + Arrays.stream(values()).map(Event::id).collect(Collectors.joining(", ")));
    }
  }

  public NotifyRule {
    if (on == null || on.isEmpty()) throw new IllegalArgumentException("a notify rule needs at least one event in on:");
    on = Set.copyOf(on);
    branches = Checks.list(branches, "notify branches");
    Checks.notBlank(channel, "notify channel");
    if (!channel.matches("[a-z][a-z0-9-]*")) {
      throw new IllegalArgumentException("a notify channel is a lowercase name such as slack or pagerduty, got '" + channel + "'");
    }
    settings = Checks.orderedMap(settings, "notify settings");
  }

  /** The events in their declared order, for files. */
  public List<Event> events() {
    return Arrays.stream(Event.values()).filter(on::contains).toList();
  }
}
