package org.pipelinekit.core.format.internal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** A parsed document that remembers where every value came from, for errors with line and column. */
sealed interface Tree {
  int line();

  int column();

  /** A mapping; keys in document order with the position of each key. */
  record MapNode(Map<String, Entry> entries, int line, int column) implements Tree {
    public MapNode {
      entries = new LinkedHashMap<>(entries);
    }
  }

  record Entry(String key, int line, int column, Tree value) {}

  record ListNode(List<Tree> items, int line, int column) implements Tree {
    public ListNode {
      items = List.copyOf(items);
    }
  }

  /** A string, Long, Double, Boolean or null. */
  record Scalar(@Nullable Object value, int line, int column) implements Tree {}

  static String kind(Tree t) {
    if (t instanceof MapNode) return "a map";
    if (t instanceof ListNode) return "a list";
    Object v = ((Scalar) t).value();
    if (v == null) return "nothing (null)";
    if (v instanceof String s) return "'" + (s.length() > 40 ? s.substring(0, 40) + "…" : s) + "'";
    return v.toString();
  }
}
