package org.pipelinekit.core.model;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A stage waits for {@code required} approvals from the named approvers (users or groups the host
 * resolves) before it runs; it is rejected when {@code timeout} passes first.
 */
public record Approval(List<String> approvers, int required, Optional<Duration> timeout) {
  public Approval {
    approvers = Checks.list(approvers, "approval approvers");
    if (required < 1) {
      throw new IllegalArgumentException("approval required must be 1 or more, got " + required);
    }
    Checks.optional(timeout, "approval timeout").ifPresent(t -> Durations.requirePositive(t, "approval timeout"));
  }

  /** Configures an approval gate: {@code approval(a -> a.approvers("team-leads").timeout(Duration.ofHours(24)))}. */
  public static final class Builder {
    private final List<String> approvers = new ArrayList<>();
    private int required = 1;
    private Optional<Duration> timeout = Optional.empty();

    public Builder() {}

    public Builder(Approval from) {
      approvers.addAll(from.approvers);
      required = from.required;
      timeout = from.timeout;
    }

    public Builder approvers(String... names) {
      for (String n : names) approvers.add(Checks.notBlank(n, "approver"));
      return this;
    }

    public Builder required(int required) {
      if (required < 1) {
        throw new IllegalArgumentException("approval required must be 1 or more, got " + required);
      }
      this.required = required;
      return this;
    }

    public Builder timeout(Duration timeout) {
      this.timeout = Optional.of(Durations.requirePositive(timeout, "approval timeout"));
      return this;
    }

    public Approval build() {
      return new Approval(approvers, required, timeout);
    }
  }
}
