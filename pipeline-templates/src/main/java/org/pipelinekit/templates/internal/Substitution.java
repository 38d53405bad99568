package org.pipelinekit.templates.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Puts values into a template body: a string that is exactly {@code ${{ params.x }}} becomes the
 * value with its type (a number, a boolean, a list — spliced into a surrounding list); inside a
 * longer string the value's text is put in place (a list's items joined with commas). References
 * to names without a value are left for the engine (pipeline parameters are {@code params} too).
 */
final class Substitution {
  private final Pattern whole;
  private final Pattern anywhere;
  private final Map<String, Object> values;

  Substitution(String root, Map<String, Object> values) {
    String ref = "\\$\\{\\{\\s*" + Pattern.quote(root) + "\\.([A-Za-z_][A-Za-z0-9_-]*)\\s*}}";
    this.whole = Pattern.compile("^" + ref + "$");
    this.anywhere = Pattern.compile(ref);
    this.values = values;
  }

  @SuppressWarnings("unchecked")
  Object apply(Object node) {
    if (node instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      m.forEach((k, v) -> out.put(String.valueOf(k), apply(v)));
      return out;
    }
    if (node instanceof List<?> l) {
      List<Object> out = new ArrayList<>();
      for (Object item : l) {
        Object v = apply(item);
        if (item instanceof String s && whole.matcher(s.strip()).matches() && v instanceof List<?> spliced) {
          out.addAll(spliced);
        } else {
          out.add(v);
        }
      }
      return out;
    }
    if (node instanceof String s) {
      Matcher w = whole.matcher(s.strip());
      if (w.matches() && values.containsKey(w.group(1))) return values.get(w.group(1));
      Matcher m = anywhere.matcher(s);
      StringBuilder sb = new StringBuilder();
      while (m.find()) {
        Object v = values.get(m.group(1));
        String text = v == null ? m.group() : v instanceof List<?> list ? String.join(",", list.stream().map(String::valueOf).toList())
            : String.valueOf(v);
        m.appendReplacement(sb, Matcher.quoteReplacement(text));
      }
      m.appendTail(sb);
      return sb.toString();
    }
    return node;
  }
}
