package org.pipelinekit.core.model;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as pipeline files write them: {@code 90s}, {@code 20m}, {@code 2h}, {@code 30d},
 * {@code 500ms}, and sums such as {@code 1h30m}.
 */
public final class Durations {
  private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h|d)");

  private Durations() {}

  /**
   * Parses a duration.
   *
   * @throws IllegalArgumentException naming the text and the accepted forms
   */
  public static Duration parse(String text) {
    String s = text.strip();
    if (s.isEmpty()) {
      throw new IllegalArgumentException("empty duration; write it like 90s, 20m, 2h or 30d");
    }
    Matcher m = PART.matcher(s);
    int pos = 0;
    Duration total = Duration.ZERO;
    while (pos < s.length()) {
      if (!m.find(pos) || m.start() != pos) {
        throw new IllegalArgumentException(
            "'" + text + "' is not a duration; write it like 90s, 20m, 2h, 30d or 1h30m");
      }
      long n;
      try {
        n = Long.parseLong(m.group(1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("'" + text + "' is too long a duration");
      }
      total = total.plus(switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        default -> Duration.ofDays(n);
      });
      pos = m.end();
    }
    return total;
  }

  /** The canonical text of a duration: the largest units first, {@code 0s} for zero. */
  public static String format(Duration duration) {
    if (duration.isNegative()) {
      throw new IllegalArgumentException("negative duration " + duration);
    }
    if (duration.isZero()) {
      return "0s";
    }
    StringBuilder sb = new StringBuilder();
    long days = duration.toDays();
    Duration rest = duration.minusDays(days);
    long hours = rest.toHours();
    rest = rest.minusHours(hours);
    long minutes = rest.toMinutes();
    rest = rest.minusMinutes(minutes);
    long seconds = rest.getSeconds();
    long millis = rest.minusSeconds(seconds).toMillis();
    if (days > 0) sb.append(days).append('d');
    if (hours > 0) sb.append(hours).append('h');
    if (minutes > 0) sb.append(minutes).append('m');
    if (seconds > 0) sb.append(seconds).append('s');
    if (millis > 0) sb.append(millis).append("ms");
    return sb.toString();
  }

  static Duration requirePositive(Duration d, String what) {
    Checks.notNull(d, what);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(what + " must be longer than zero, got " + (d.isNegative() ? d.toString() : format(d)));
    }
    return d;
  }
}
