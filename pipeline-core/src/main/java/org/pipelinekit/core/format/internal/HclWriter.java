package org.pipelinekit.core.format.internal;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Writes an encoded pipeline tree as HCL (export only):
 *
 * <pre>
 * pipeline "java-ci" {
 *   name = "Java CI"
 *   trigger "push" {
 *     branches = ["main"]
 *   }
 *   stage "build" {
 *     type = "maven-build"
 *     with = {
 *       goals = "package"
 *     }
 *   }
 * }
 * </pre>
 *
 * Lists of stages, triggers, parameters and steps become repeated labelled blocks; settings with a
 * fixed shape (defaults, matrix, retry, cache, ...) become nested blocks; free maps (with, env,
 * variables, axes) become object attributes. {@code ${} and {@code %{} in text are escaped so HCL
 * does not interpolate them.
 */
public final class HclWriter {
  private static final Set<String> BLOCKS = Set.of("defaults", "concurrency", "matrix", "retry", "backoff", "resources",
      "cache", "artifacts", "environment", "approval", "protection");
  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]*");

  private final StringBuilder out = new StringBuilder();

  private HclWriter() {}

  public static String write(Map<String, Object> tree) {
    HclWriter w = new HclWriter();
    w.out.append("pipeline ").append(string(String.valueOf(tree.get("id")))).append(" {\n");
    w.body(tree, 1, Set.of("id"));
    w.out.append("}\n");
    return w.out.toString();
  }

  private void body(Map<String, Object> map, int depth, Set<String> skip) {
    for (Map.Entry<String, Object> e : map.entrySet()) {
      String key = e.getKey();
      Object v = e.getValue();
      if (skip.contains(key)) continue;
      switch (key) {
        case "stages" -> labelled("stage", "id", list(v), depth);
        case "parameters" -> labelled("parameter", "name", list(v), depth);
        case "steps" -> {
          for (Object step : list(v)) block("step", null, map(step), depth, Set.of());
        }
        case "triggers" -> {
          for (Object t : list(v)) {
            Map.Entry<String, Object> only = map(t).entrySet().iterator().next();
            block("trigger", only.getKey(), map(only.getValue()), depth, Set.of());
          }
        }
        default -> {
          if (BLOCKS.contains(key) && v instanceof Map<?, ?> m) {
            block(key, null, map(m), depth, Set.of());
          } else if (BLOCKS.contains(key) && v instanceof List<?> l && !l.isEmpty() && l.get(0) instanceof Map) {
            for (Object item : l) block(key, null, map(item), depth, Set.of());
          } else {
            indent(depth);
            out.append(name(key)).append(" = ");
            value(v, depth);
            out.append('\n');
          }
        }
      }
    }
  }

  private void labelled(String type, String labelKey, List<Object> items, int depth) {
    for (Object item : items) {
      Map<String, Object> m = map(item);
      block(type, String.valueOf(m.get(labelKey)), m, depth, Set.of(labelKey));
    }
  }

  private void block(String type, String label, Map<String, Object> body, int depth, Set<String> skip) {
    indent(depth);
    out.append(type);
    if (label != null) out.append(' ').append(string(label));
    if (body.isEmpty() || skip.containsAll(body.keySet())) {
      out.append(" {}\n");
      return;
    }
    out.append(" {\n");
    body(body, depth + 1, skip);
    indent(depth);
    out.append("}\n");
  }

  private void value(Object v, int depth) {
    if (v instanceof String s) {
      out.append(string(s));
    } else if (v instanceof List<?> list) {
      boolean simple = list.stream().noneMatch(x -> x instanceof Map || x instanceof List);
      if (simple) {
        out.append('[');
        for (int i = 0; i < list.size(); i++) {
          if (i > 0) out.append(", ");
          value(list.get(i), depth);
        }
        out.append(']');
      } else {
        out.append("[\n");
        for (Object x : list) {
          indent(depth + 1);
          value(x, depth + 1);
          out.append(",\n");
        }
        indent(depth);
        out.append(']');
      }
    } else if (v instanceof Map<?, ?> m) {
      if (m.isEmpty()) {
        out.append("{}");
        return;
      }
      out.append("{\n");
      for (Map.Entry<?, ?> e : m.entrySet()) {
        indent(depth + 1);
        out.append(name(String.valueOf(e.getKey()))).append(" = ");
        value(e.getValue(), depth + 1);
        out.append('\n');
      }
      indent(depth);
      out.append('}');
    } else {
      out.append(v);
    }
  }

  private static String name(String key) {
    return IDENTIFIER.matcher(key).matches() ? key : string(key);
  }

  static String string(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        case '$', '%' -> {
          sb.append(c);
          if (i + 1 < s.length() && s.charAt(i + 1) == '{') sb.append(c); // $${ and %%{ are literal
        }
        default -> {
          if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
          else sb.append(c);
        }
      }
    }
    return sb.append('"').toString();
  }

  private void indent(int depth) {
    out.append("  ".repeat(depth));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o) {
    return (Map<String, Object>) o;
  }

  @SuppressWarnings("unchecked")
  private static List<Object> list(Object o) {
    return (List<Object>) o;
  }
}
