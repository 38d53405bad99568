package org.pipelinekit.templates.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.pipelinekit.templates.TemplateParameter;

/** Parameter values: checked against their declaration and converted to their type (text from a form or CLI included). */
final class Values {
  private Values() {}

  /** Why the value does not fit the parameter, if it does not. */
  static Optional<String> check(TemplateParameter p, Object value) {
    try {
      convert(p, value);
      return Optional.empty();
    } catch (IllegalArgumentException e) {
      return Optional.of(e.getMessage());
    }
  }

  /** The value as the parameter's type: String, Long or Double, Boolean, or a List of Strings. */
  static Object convert(TemplateParameter p, Object value) {
    String name = "parameter '" + p.name() + "'";
    switch (p.type()) {
      case NUMBER -> {
        double d;
        if (value instanceof Number n) {
          d = n.doubleValue();
        } else {
          try {
            d = Double.parseDouble(String.valueOf(value).strip());
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a number, got '" + value + "'");
          }
        }
        if (p.min().isPresent() && d < p.min().get()) throw new IllegalArgumentException(name + " must be at least " + plain(p.min().get()) + ", got " + plain(d));
        if (p.max().isPresent() && d > p.max().get()) throw new IllegalArgumentException(name + " must be at most " + plain(p.max().get()) + ", got " + plain(d));
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? (Object) (long) d : (Object) d;
      }
      case BOOLEAN -> {
        if (value instanceof Boolean b) return b;
        String s = String.valueOf(value).strip().toLowerCase(Locale.ROOT);
        if (s.equals("true") || s.equals("false")) return Boolean.parseBoolean(s);
        throw new IllegalArgumentException(name + " must be true or false, got '" + value + "'");
      }
      case CHOICE -> {
        String s = String.valueOf(value);
        if (!p.options().contains(s)) throw new IllegalArgumentException(name + " must be one of " + p.options() + ", got '" + s + "'");
        return s;
      }
      case LIST -> {
        List<String> out = new ArrayList<>();
        if (value instanceof List<?> l) {
          l.forEach(x -> out.add(String.valueOf(x)));
        } else {
          for (String part : String.valueOf(value).split(",")) if (!part.isBlank()) out.add(part.strip());
        }
        return List.copyOf(out);
      }
      default -> {
        if (value instanceof List || value instanceof java.util.Map) throw new IllegalArgumentException(name + " must be text, got a list or map");
        String s = String.valueOf(value);
        if (p.pattern().isPresent()) {
          try {
            if (!Pattern.compile(p.pattern().get()).matcher(s).matches()) {
              throw new IllegalArgumentException(name + " must match " + p.pattern().get() + ", got '" + s + "'");
            }
          } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException(name + " has an invalid pattern: " + e.getDescription());
          }
        }
        return s;
      }
    }
  }

  private static String plain(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }
}
