package org.pipelinekit.notify;

import java.time.Instant;

/**
 * What became of one notification: sent, skipped (the channel had nothing to say for the event), or failed with why, after
 * how many attempts. A failure never fails the run; it is on the run's record ({@link Notifier#deliveries}).
 */
public record Delivery(String executionId, int rule, String channel, String event, String outcome, String detail, int attempts, Instant time) {
  public boolean sent() {
    return outcome.equals("sent");
  }
}
