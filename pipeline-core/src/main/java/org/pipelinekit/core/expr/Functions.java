package org.pipelinekit.core.expr;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The functions expressions may call, with how many arguments each takes. */
public final class Functions {
  /** name → {min, max} arguments; max -1 means any number. */
  private static final Map<String, int[]> ARITY = Map.ofEntries(
      Map.entry("success", new int[] {0, 0}),
      Map.entry("failure", new int[] {0, 0}),
      Map.entry("always", new int[] {0, 0}),
      Map.entry("cancelled", new int[] {0, 0}),
      Map.entry("contains", new int[] {2, 2}),
      Map.entry("startsWith", new int[] {2, 2}),
      Map.entry("endsWith", new int[] {2, 2}),
      Map.entry("format", new int[] {1, -1}),
      Map.entry("join", new int[] {1, 2}),
      Map.entry("hashFiles", new int[] {1, -1}),
      Map.entry("minus", new int[] {2, 2}),
      Map.entry("added", new int[] {2, 2}),
      Map.entry("sarif", new int[] {2, 2}));

  /** Functions that decide, on their own, whether a stage runs after upstream failures. */
  public static final List<String> STATUS_FUNCTIONS = List.of("success", "failure", "always", "cancelled");

  private Functions() {}

  public static boolean isKnown(String name) {
    return ARITY.containsKey(name);
  }

  public static List<String> names() {
    return ARITY.keySet().stream().sorted().toList();
  }

  /** Why a call with {@code count} arguments is wrong, or empty when it is right. */
  public static Optional<String> arityProblem(String name, int count) {
    int[] a = ARITY.get(name);
    if (a == null) return Optional.of("unknown function " + name + "()");
    if (count < a[0] || (a[1] >= 0 && count > a[1])) {
      String expected = a[1] < 0 ? "at least " + a[0] : a[0] == a[1] ? Integer.toString(a[0]) : a[0] + " to " + a[1];
      return Optional.of(name + "() takes " + expected + " argument" + (expected.equals("1") ? "" : "s") + ", got " + count);
    }
    return Optional.empty();
  }
}
