package org.pipelinekit.core.model;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * How often a failed stage is tried again: up to {@code limit} retries (so {@code limit + 1}
 * attempts), only for the failures in {@code on}; for {@link RetryOn#EXIT_CODE}, only the listed
 * {@code exitCodes} when that list is not empty.
 */
public record RetryPolicy(int limit, Set<RetryOn> on, List<Integer> exitCodes, Backoff backoff) {
  public static final Set<RetryOn> ALL_FAILURES = Collections.unmodifiableSet(EnumSet.allOf(RetryOn.class));
  public static final RetryPolicy NONE = new RetryPolicy(0, ALL_FAILURES, List.of(), Backoff.DEFAULT);

  public RetryPolicy {
    Checks.nonNegative(limit, "retry limit");
    Checks.notNull(on, "retry on");
    if (on.isEmpty()) {
      throw new IllegalArgumentException("retry on must name at least one of exit-code, timeout, runner-error");
    }
    on = Collections.unmodifiableSet(EnumSet.copyOf(on));
    exitCodes = Checks.list(exitCodes, "retry exitCodes");
    Checks.notNull(backoff, "retry backoff");
  }

  public static RetryPolicy of(int limit) {
    return new RetryPolicy(limit, ALL_FAILURES, List.of(), Backoff.DEFAULT);
  }

  /** Whether a failure of this kind, after {@code attemptsSoFar} attempts, is tried again. */
  public boolean retries(RetryOn failure, int exitCode, int attemptsSoFar) {
    if (attemptsSoFar > limit || !on.contains(failure)) return false;
    return failure != RetryOn.EXIT_CODE || exitCodes.isEmpty() || exitCodes.contains(exitCode);
  }

  /** Configures a retry policy: {@code retry(r -> r.limit(2).on(RetryOn.EXIT_CODE))}. */
  public static final class Builder {
    private int limit = 1;
    private final EnumSet<RetryOn> on = EnumSet.noneOf(RetryOn.class);
    private final List<Integer> exitCodes = new ArrayList<>();
    private Backoff backoff = Backoff.DEFAULT;

    public Builder() {}

    public Builder(RetryPolicy from) {
      limit = from.limit;
      on.addAll(from.on);
      exitCodes.addAll(from.exitCodes);
      backoff = from.backoff;
    }

    public Builder limit(int limit) {
      this.limit = Checks.nonNegative(limit, "retry limit");
      return this;
    }

    public Builder on(RetryOn... failures) {
      for (RetryOn f : failures) on.add(Checks.notNull(f, "retry on"));
      return this;
    }

    public Builder exitCodes(int... codes) {
      for (int c : codes) exitCodes.add(c);
      return this;
    }

    public Builder backoff(Duration initial, double factor, Duration max) {
      this.backoff = new Backoff(initial, factor, max);
      return this;
    }

    public Builder backoff(Backoff backoff) {
      this.backoff = Checks.notNull(backoff, "backoff");
      return this;
    }

    public Builder noBackoff() {
      this.backoff = Backoff.NONE;
      return this;
    }

    public RetryPolicy build() {
      if (!exitCodes.isEmpty() && !on.isEmpty() && !on.contains(RetryOn.EXIT_CODE)) {
        throw new IllegalArgumentException("retry exitCodes " + exitCodes
            + " are set but retry on " + on + " does not include exit-code");
      }
      return new RetryPolicy(limit, on.isEmpty() ? ALL_FAILURES : on, exitCodes, backoff);
    }
  }
}
