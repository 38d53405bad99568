package org.pipelinekit.triggers;

import java.time.Instant;
import java.util.List;

/**
 * What arrived (a pushed commit seen by the poller or a webhook, a schedule's fire, an upstream run's end) and what it
 * did: the executions it started, and for each pipeline it started nothing for, why.
 */
public record Delivery(String id, Instant at, String source, String event, String summary, List<String> started, List<String> skipped) {
  public Delivery {
    started = List.copyOf(started);
    skipped = List.copyOf(skipped);
  }
}
