package org.pipelinekit.core.format.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.pipelinekit.core.format.PipelineFormatException;

/**
 * Where a validation path ({@code stages.test.needs[0]}, {@code triggers[1].push.branches}) is in a pipeline's text, so
 * editors can mark the line. Stages are named by id in paths and found by their {@code id} key; when the path goes
 * further than the text (a key the validator names but the text lacks), the deepest place found is the answer.
 */
public final class TreeLines {
  private TreeLines() {}

  public static OptionalInt lineOf(String text, boolean yaml, String path) {
    Tree tree;
    try {
      tree = TreeParser.parse(text, yaml, "");
    } catch (PipelineFormatException e) {
      return OptionalInt.empty();
    }
    int line = 0;
    Tree at = tree;
    for (String step : steps(path)) {
      Tree next = null;
      Tree.Entry e = at instanceof Tree.MapNode m ? m.entries().get(step) : null;
      if (e != null) {
        line = e.line();
        next = e.value();
      } else if (at instanceof Tree.ListNode l) {
        next = item(l, step);
        if (next instanceof Tree.MapNode m && !step.startsWith("[")) line = m.entries().get("id").line(); // where its id is
        else if (next != null) line = next.line();
      }
      if (next == null) break;
      at = next;
    }
    return line > 0 ? OptionalInt.of(line) : OptionalInt.empty();
  }

  /** The list item at an index ({@code "[2]"}), or the mapping whose {@code id} is the step. */
  private static Tree item(Tree.ListNode l, String step) {
    if (step.startsWith("[")) {
      int i = Integer.parseInt(step.substring(1, step.length() - 1));
      return i < l.items().size() ? l.items().get(i) : null;
    }
    for (Tree t : l.items()) {
      Tree.Entry id = t instanceof Tree.MapNode m ? m.entries().get("id") : null;
      if (id != null && id.value() instanceof Tree.Scalar s && step.equals(String.valueOf(s.value()))) {
        return t;
      }
    }
    return null;
  }

  /** {@code stages.b.needs[0]} → {@code stages, b, needs, [0]}. */
  static List<String> steps(String path) {
    List<String> out = new ArrayList<>();
    StringBuilder name = new StringBuilder();
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c == '.' || c == '[') {
        if (name.length() > 0) out.add(name.toString());
        name.setLength(0);
        if (c == '[') {
          int end = path.indexOf(']', i);
          if (end < 0) break;
          String index = path.substring(i + 1, end);
          // a map key in brackets, or an index no list has: stop here
          if (index.isEmpty() || index.length() > 9 || !index.chars().allMatch(Character::isDigit)) break;
          out.add("[" + index + "]");
          i = end;
        }
      } else {
        name.append(c);
      }
    }
    if (name.length() > 0) out.add(name.toString());
    return out;
  }
}
