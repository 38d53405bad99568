package org.pipelinekit.core.model;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Stage inputs are plain values: {@link String}, {@link Long}, {@link Double}, {@link Boolean},
 * lists of values and string-keyed maps of values. This normalizes what callers pass (an
 * {@code Integer}, a {@code Set}, a mutable map) into that closed set, deeply immutable.
 */
final class Values {
  private Values() {}

  static Object normalize(Object value, String path) {
    if (value == null) {
      throw new IllegalArgumentException(path + " must not be null");
    }
    if (value instanceof Double d && (d.isNaN() || d.isInfinite())) {
      throw new IllegalArgumentException(path + " must be a finite number, got " + d);
    }
    if (value instanceof String || value instanceof Boolean || value instanceof Long
        || value instanceof Double) {
      return value;
    }
    if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
      return ((Number) value).longValue();
    }
    if (value instanceof Float f) {
      return normalize(Double.parseDouble(f.toString()), path);
    }
    if (value instanceof BigInteger b) {
      try {
        return b.longValueExact();
      } catch (ArithmeticException e) {
        throw new IllegalArgumentException(path + " is too large a number: " + b);
      }
    }
    if (value instanceof BigDecimal d) {
      return d.stripTrailingZeros().scale() <= 0 && d.abs().compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) <= 0
          ? (Object) d.longValue() : (Object) d.doubleValue();
    }
    if (value instanceof Number n) {
      return normalize(n.doubleValue(), path);
    }
    if (value instanceof Iterable<?> items) {
      List<Object> copy = new ArrayList<>();
      int i = 0;
      for (Object item : items) {
        copy.add(normalize(item, path + "[" + i++ + "]"));
      }
      return Collections.unmodifiableList(copy);
    }
    if (value instanceof Object[] items) {
      return normalize(List.of(items), path);
    }
    if (value instanceof Map<?, ?> map) {
      return normalizeMap(map, path);
    }
    if (value instanceof Enum<?> e) {
      return e.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
    throw new IllegalArgumentException(path + " has a value of type " + value.getClass().getName()
        + "; use a string, number, boolean, list or map");
  }

  static Map<String, Object> normalizeMap(Map<?, ?> map, String path) {
    Map<String, Object> copy = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : map.entrySet()) {
      if (!(e.getKey() instanceof String key)) {
        throw new IllegalArgumentException(path + " has a key that is not a string: " + e.getKey());
      }
      copy.put(key, normalize(e.getValue(), path + "." + key));
    }
    return Collections.unmodifiableMap(copy);
  }
}
