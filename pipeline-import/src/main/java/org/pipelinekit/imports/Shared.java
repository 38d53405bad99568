package org.pipelinekit.imports;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.pipelinekit.imports.YamlTree.Value;

/** Small translations the YAML importers share. */
final class Shared {
  private Shared() {}

  /** The largest count (retries, parallel jobs) an import takes from a file. */
  static final int MAX_COUNT = 1000;

  /** A whole number from 1 to {@link #MAX_COUNT} (0 allowed when {@code zero}), or null: never an exception for huge or odd text. */
  static Integer count(String text) {
    return count(text, false);
  }

  static Integer count(String text, boolean zero) {
    if (text == null || !text.trim().matches("\\d{1,4}")) return null;
    int n = Integer.parseInt(text.trim());
    return n > MAX_COUNT || n < (zero ? 0 : 1) ? null : n;
  }

  private static final Pattern PART = Pattern.compile("(\\d{1,9}(?:\\.\\d+)?)\\s*([a-zA-Z]+)");

  /** "1h 30m", "3 hours", "1 week", "30 days", "90 minutes", "3600" (seconds) → a duration such as 90m, or null. */
  static String duration(String text) {
    if (text == null) return null;
    String t = text.trim().toLowerCase(Locale.ROOT);
    if (t.matches("\\d{1,12}")) return Long.parseLong(t) > 0 ? t + "s" : null;
    long seconds = 0;
    Matcher m = PART.matcher(t);
    int matched = 0;
    while (m.find()) {
      double n = Double.parseDouble(m.group(1));
      String unit = m.group(2);
      long factor = unit.startsWith("w") ? 604_800 : unit.startsWith("d") ? 86_400 : unit.startsWith("h") ? 3_600
          : unit.startsWith("mo") ? 2_592_000 : unit.startsWith("m") ? 60 : unit.startsWith("s") ? 1 : unit.startsWith("y") ? 31_536_000 : -1;
      if (factor < 0) return null;
      seconds += (long) (n * factor);
      matched++;
    }
    if (matched == 0 || seconds <= 0) return null;
    return seconds % 86_400 == 0 ? seconds / 86_400 + "d" : seconds % 3_600 == 0 ? seconds / 3_600 + "h"
        : seconds % 60 == 0 ? seconds / 60 + "m" : seconds + "s";
  }

  /** A script given as a list (nested lists flattened, as GitLab's !reference gives them) or a text. */
  static List<String> lines(Value v) {
    List<String> out = new ArrayList<>();
    if (v == null) return out;
    if (v.isText()) out.add(v.text());
    for (Value x : v.list()) out.addAll(lines(x));
    return out;
  }

  /** Script lines as one step's command run by the local runner's /bin/sh, stopping at the first failing line. */
  static String script(List<String> lines) {
    return "set -e\n" + String.join("\n", lines);
  }

  /**
   * A GitLab or Bitbucket branch glob as a condition on the branch: an exact name, a prefix ({@code release/*}), or
   * true for {@code **} / {@code *}.
   */
  static String branchCondition(String glob, String variable) {
    if (glob.equals("*") || glob.equals("**")) return "true";
    int star = glob.indexOf('*');
    if (star < 0) return variable + " == '" + glob.replace("'", "") + "'";
    return "startsWith(" + variable + ", '" + glob.substring(0, star).replace("'", "") + "')";
  }
}
