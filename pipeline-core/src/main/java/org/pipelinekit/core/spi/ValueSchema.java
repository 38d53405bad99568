package org.pipelinekit.core.spi;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.pipelinekit.core.expr.Template;
import org.pipelinekit.core.model.Durations;

/**
 * The shape of a value: its {@link ValueType}, the allowed {@code options} of a choice, the
 * {@code items} of a list and the {@code fields} of an object.
 */
public record ValueSchema(ValueType type, List<String> options, Optional<ValueSchema> items, List<InputSpec> fields) {
  public static final ValueSchema STRING = of(ValueType.STRING);
  public static final ValueSchema INTEGER = of(ValueType.INTEGER);
  public static final ValueSchema NUMBER = of(ValueType.NUMBER);
  public static final ValueSchema BOOLEAN = of(ValueType.BOOLEAN);
  public static final ValueSchema PATH = of(ValueType.PATH);
  public static final ValueSchema URL = of(ValueType.URL);
  public static final ValueSchema DURATION = of(ValueType.DURATION);
  public static final ValueSchema MAP = of(ValueType.MAP);

  public ValueSchema {
    options = List.copyOf(options);
    fields = List.copyOf(fields);
    if ((type == ValueType.CHOICE) == options.isEmpty()) {
      throw new IllegalArgumentException(type == ValueType.CHOICE ? "a choice needs options" : type.id() + " cannot have options");
    }
    if ((type == ValueType.LIST) == items.isEmpty()) {
      throw new IllegalArgumentException(type == ValueType.LIST ? "a list needs an item schema" : type.id() + " cannot have items");
    }
    if (type != ValueType.OBJECT && !fields.isEmpty()) {
      throw new IllegalArgumentException(type.id() + " cannot have fields");
    }
  }

  private static ValueSchema of(ValueType type) {
    return new ValueSchema(type, List.of(), Optional.empty(), List.of());
  }

  public static ValueSchema choice(String... options) {
    return new ValueSchema(ValueType.CHOICE, List.of(options), Optional.empty(), List.of());
  }

  public static ValueSchema listOf(ValueSchema items) {
    return new ValueSchema(ValueType.LIST, List.of(), Optional.of(items), List.of());
  }

  public static ValueSchema object(InputSpec... fields) {
    return new ValueSchema(ValueType.OBJECT, List.of(), Optional.empty(), List.of(fields));
  }

  /** Receives one problem of a value: where (a path below the checked one) and what is wrong. */
  @FunctionalInterface
  public interface ProblemSink {
    void problem(String path, String message);
  }

  /**
   * Checks {@code value} against this schema and reports each problem with its path. A string that
   * holds a {@code ${{ }}} expression is accepted for any type: it is known only when the stage runs.
   */
  public void check(Object value, String path, ProblemSink sink) {
    if (value instanceof String s && Template.hasExpressions(s)) {
      return;
    }
    switch (type) {
      case STRING -> expect(value instanceof String, value, "a string", path, sink);
      case INTEGER -> expect(value instanceof Long, value, "a whole number", path, sink);
      case NUMBER -> expect(value instanceof Number, value, "a number", path, sink);
      case BOOLEAN -> expect(value instanceof Boolean, value, "true or false", path, sink);
      case PATH -> {
        if (expect(value instanceof String, value, "a path", path, sink) && ((String) value).indexOf('\0') >= 0) {
          sink.problem(path, "path must not contain a NUL character");
        }
      }
      case URL -> {
        if (expect(value instanceof String, value, "a URL", path, sink)) {
          checkUrl((String) value, path, sink);
        }
      }
      case DURATION -> {
        if (expect(value instanceof String, value, "a duration such as 90s or 20m", path, sink)) {
          try {
            Durations.parse((String) value);
          } catch (IllegalArgumentException e) {
            sink.problem(path, e.getMessage());
          }
        }
      }
      case CHOICE -> {
        if (!options.contains(String.valueOf(value)) || value instanceof List || value instanceof Map) {
          sink.problem(path, "must be one of " + String.join(", ", options) + ", got " + describe(value));
        }
      }
      case LIST -> {
        if (expect(value instanceof List<?>, value, "a list", path, sink)) {
          List<?> list = (List<?>) value;
          for (int i = 0; i < list.size(); i++) {
            items.orElseThrow().check(list.get(i), path + "[" + i + "]", sink);
          }
        }
      }
      case MAP -> {
        if (expect(value instanceof Map<?, ?>, value, "a map of names to values", path, sink)) {
          ((Map<?, ?>) value).forEach((k, v) -> {
            if (v instanceof List || v instanceof Map) {
              sink.problem(path + "." + k, "must be a plain value, got " + describe(v));
            }
          });
        }
      }
      case OBJECT -> {
        if (expect(value instanceof Map<?, ?>, value, "an object with " + fieldNames(), path, sink)) {
          checkFields((Map<?, ?>) value, path, sink);
        }
      }
    }
  }

  private void checkFields(Map<?, ?> map, String path, ProblemSink sink) {
    Set<String> known = new HashSet<>();
    for (InputSpec f : fields) {
      known.add(f.name());
      Object v = map.get(f.name());
      if (v == null) {
        if (f.required()) sink.problem(path + "." + f.name(), "is required");
      } else {
        f.schema().check(v, path + "." + f.name(), sink);
      }
    }
    for (Object k : map.keySet()) {
      if (!known.contains(k)) {
        sink.problem(path + "." + k, "is not a field here; use " + fieldNames());
      }
    }
  }

  private String fieldNames() {
    return String.join(", ", fields.stream().map(InputSpec::name).toList());
  }

  private static void checkUrl(String value, String path, ProblemSink sink) {
    try {
      URI uri = new URI(value);
      if (uri.getScheme() == null || (uri.getHost() == null && !"file".equals(uri.getScheme()))) {
        sink.problem(path, "must be an absolute URL such as https://example.org/x, got '" + value + "'");
      }
    } catch (URISyntaxException e) {
      sink.problem(path, "is not a URL: " + e.getReason() + " at index " + e.getIndex());
    }
  }

  private static boolean expect(boolean ok, Object value, String what, String path, ProblemSink sink) {
    if (!ok) sink.problem(path, "must be " + what + ", got " + describe(value));
    return ok;
  }

  static String describe(Object value) {
    if (value instanceof String s) return "'" + s + "'";
    if (value instanceof List<?>) return "a list";
    if (value instanceof Map<?, ?>) return "a map";
    return String.valueOf(value);
  }
}
