package org.pipelinekit.core.model;

import java.time.Duration;

/**
 * Exponential backoff between attempts: the first retry waits {@code initial}, each next one
 * {@code factor} times longer, never more than {@code max}.
 */
public record Backoff(Duration initial, double factor, Duration max) {
  public static final Backoff DEFAULT = new Backoff(Duration.ofSeconds(1), 2.0, Duration.ofMinutes(1));
  public static final Backoff NONE = new Backoff(Duration.ZERO, 1.0, Duration.ZERO);

  public Backoff {
    Checks.notNull(initial, "backoff initial");
    Checks.notNull(max, "backoff max");
    if (initial.isNegative()) {
      throw new IllegalArgumentException("backoff initial must not be negative, got " + initial);
    }
    if (!(factor >= 1.0) || Double.isInfinite(factor)) {
      throw new IllegalArgumentException("backoff factor must be 1 or more, got " + factor);
    }
    if (max.compareTo(initial) < 0) {
      throw new IllegalArgumentException("backoff max (" + Durations.format(max)
          + ") must not be shorter than initial (" + Durations.format(initial) + ")");
    }
  }

  /** The wait before retry number {@code retry} (1 for the first retry). */
  public Duration delay(int retry) {
    if (retry < 1) {
      throw new IllegalArgumentException("retry numbers start at 1, got " + retry);
    }
    double millis = initial.toMillis() * Math.pow(factor, retry - 1);
    return millis >= max.toMillis() ? max : Duration.ofMillis((long) millis);
  }
}
