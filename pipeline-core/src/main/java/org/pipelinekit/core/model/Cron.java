package org.pipelinekit.core.model;

import java.time.DayOfWeek;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.BitSet;
import java.util.Locale;
import java.util.Map;

/**
 * A Unix cron schedule: five fields (minute, hour, day of month, month, day of week) with
 * {@code *}, lists, ranges, steps and month/day names, or a macro ({@code @hourly},
 * {@code @daily}/{@code @midnight}, {@code @weekly}, {@code @monthly}, {@code @yearly}/{@code @annually}).
 * As in Vixie cron, when both day fields are restricted a day matching either one fires.
 *
 * <p>Written here rather than taken from a library because pipeline-core keeps its dependencies to
 * Jackson and SLF4J; this is the whole of it.
 */
public final class Cron {
  private static final Map<String, String> MACROS = Map.of(
      "@yearly", "0 0 1 1 *", "@annually", "0 0 1 1 *", "@monthly", "0 0 1 * *",
      "@weekly", "0 0 * * 0", "@daily", "0 0 * * *", "@midnight", "0 0 * * *", "@hourly", "0 * * * *");
  private static final String[] FIELD = {"minute", "hour", "day of month", "month", "day of week"};
  private static final int[] MIN = {0, 0, 1, 1, 0};
  private static final int[] MAX = {59, 23, 31, 12, 7};
  private static final String[] MONTHS = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
  private static final String[] DAYS = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};

  private final String text;
  private final BitSet[] fields;
  private final boolean domRestricted;
  private final boolean dowRestricted;

  private Cron(String text, BitSet[] fields, boolean domRestricted, boolean dowRestricted) {
    this.text = text;
    this.fields = fields;
    this.domRestricted = domRestricted;
    this.dowRestricted = dowRestricted;
  }

  /**
   * Parses a schedule.
   *
   * @throws IllegalArgumentException naming the field and what is wrong with it
   */
  public static Cron parse(String text) {
    String t = text.strip();
    String expanded = t.startsWith("@") ? MACROS.get(t.toLowerCase(Locale.ROOT)) : t;
    if (expanded == null) {
      throw new IllegalArgumentException("'" + t + "' is not a cron macro; use one of " + String.join(", ", MACROS.keySet().stream().sorted().toList()));
    }
    String[] parts = expanded.split("\\s+");
    if (parts.length != 5) {
      throw new IllegalArgumentException("cron '" + t + "' has " + parts.length
          + " fields; write five: minute hour day-of-month month day-of-week, e.g. '0 3 * * *'");
    }
    BitSet[] fields = new BitSet[5];
    for (int f = 0; f < 5; f++) {
      fields[f] = field(parts[f], f, t);
    }
    if (fields[4].get(7)) { // 7 is Sunday too
      fields[4].set(0);
      fields[4].clear(7);
    }
    return new Cron(t, fields, !parts[2].equals("*") && !parts[2].equals("?"), !parts[4].equals("*") && !parts[4].equals("?"));
  }

  private static BitSet field(String spec, int f, String whole) {
    BitSet bits = new BitSet();
    for (String item : spec.split(",", -1)) {
      if (item.isEmpty()) {
        throw bad(whole, f, "has an empty list item");
      }
      int step = 1;
      String range = item;
      int slash = item.indexOf('/');
      if (slash >= 0) {
        step = number(item.substring(slash + 1), f, whole, false);
        if (step < 1) throw bad(whole, f, "step must be 1 or more, got " + step);
        range = item.substring(0, slash);
      }
      int lo;
      int hi;
      if (range.equals("*") || range.equals("?")) {
        lo = MIN[f];
        hi = f == 4 ? 6 : MAX[f];
      } else {
        int dash = range.indexOf('-');
        if (dash > 0) {
          lo = number(range.substring(0, dash), f, whole, true);
          hi = number(range.substring(dash + 1), f, whole, true);
          if (hi < lo) throw bad(whole, f, "range " + range + " runs backwards");
        } else {
          lo = number(range, f, whole, true);
          hi = slash >= 0 ? (f == 4 ? 6 : MAX[f]) : lo;
        }
      }
      for (int v = lo; v <= hi; v += step) bits.set(v);
    }
    return bits;
  }

  private static int number(String s, int f, String whole, boolean checkRange) {
    String u = s.toUpperCase(Locale.ROOT);
    String[] names = f == 3 ? MONTHS : f == 4 ? DAYS : null;
    if (names != null && checkRange) {
      for (int i = 0; i < names.length; i++) {
        if (names[i].equals(u)) return f == 3 ? i + 1 : i;
      }
    }
    int v;
    try {
      v = Integer.parseInt(s);
    } catch (NumberFormatException e) {
      throw bad(whole, f, "'" + s + "' is not a number" + (names != null ? " or a name such as " + names[0] : ""));
    }
    if (checkRange && (v < MIN[f] || v > MAX[f])) {
      throw bad(whole, f, v + " is outside " + MIN[f] + "-" + MAX[f]);
    }
    return v;
  }

  private static IllegalArgumentException bad(String whole, int f, String what) {
    return new IllegalArgumentException("cron '" + whole + "': " + FIELD[f] + " " + what);
  }

  /** The first time strictly after {@code after} that matches, to the minute. */
  public ZonedDateTime next(ZonedDateTime after) {
    ZonedDateTime t = after.truncatedTo(ChronoUnit.MINUTES).plusMinutes(1);
    ZonedDateTime limit = t.plusYears(5);
    while (t.isBefore(limit)) {
      if (!fields[3].get(t.getMonthValue())) {
        t = t.withDayOfMonth(1).withHour(0).withMinute(0).plusMonths(1);
        continue;
      }
      if (!dayMatches(t)) {
        t = t.withHour(0).withMinute(0).plusDays(1);
        continue;
      }
      if (!fields[1].get(t.getHour())) {
        t = t.withMinute(0).plusHours(1);
        continue;
      }
      if (!fields[0].get(t.getMinute())) {
        t = t.plusMinutes(1);
        continue;
      }
      return t;
    }
    throw new IllegalStateException("cron '" + text + "' never fires (for example February 30)");
  }

  private boolean dayMatches(ZonedDateTime t) {
    boolean dom = fields[2].get(t.getDayOfMonth());
    int dowIndex = t.getDayOfWeek() == DayOfWeek.SUNDAY ? 0 : t.getDayOfWeek().getValue();
    boolean dow = fields[4].get(dowIndex);
    if (domRestricted && dowRestricted) return dom || dow;
    return dom && dow;
  }

  @Override
  public String toString() {
    return text;
  }
}
