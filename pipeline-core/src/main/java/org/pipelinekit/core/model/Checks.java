package org.pipelinekit.core.model;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Argument checks and defensive copies shared by the model's records and builders. */
final class Checks {
  private Checks() {}

  static <T> T notNull(T value, String what) {
    if (value == null) {
      throw new IllegalArgumentException(what + " must not be null");
    }
    return value;
  }

  static String notBlank(String value, String what) {
    notNull(value, what);
    if (value.isBlank()) {
      throw new IllegalArgumentException(what + " must not be blank");
    }
    return value;
  }

  static <T> Optional<T> optional(Optional<T> value, String what) {
    return notNull(value, what);
  }

  /** An optional text that, when present, is not blank. */
  static Optional<String> optionalText(Optional<String> value, String what) {
    notNull(value, what).ifPresent(v -> notBlank(v, what));
    return value;
  }

  static int nonNegative(int value, String what) {
    if (value < 0) {
      throw new IllegalArgumentException(what + " must be zero or more, got " + value);
    }
    return value;
  }

  /** An unmodifiable copy that rejects null elements with a message naming the list. */
  static <T> List<T> list(Collection<? extends T> values, String what) {
    notNull(values, what);
    List<T> copy = new ArrayList<>(values.size());
    int i = 0;
    for (T v : values) {
      if (v == null) {
        throw new IllegalArgumentException(what + "[" + i + "] must not be null");
      }
      copy.add(v);
      i++;
    }
    return Collections.unmodifiableList(copy);
  }

  /** An unmodifiable copy that keeps insertion order (files are written in that order). */
  static <K, V> Map<K, V> orderedMap(Map<? extends K, ? extends V> values, String what) {
    notNull(values, what);
    Map<K, V> copy = new LinkedHashMap<>();
    for (Map.Entry<? extends K, ? extends V> e : values.entrySet()) {
      if (e.getKey() == null) {
        throw new IllegalArgumentException(what + " has a null key");
      }
      if (e.getValue() == null) {
        throw new IllegalArgumentException(what + "." + e.getKey() + " must not be null");
      }
      copy.put(e.getKey(), e.getValue());
    }
    return Collections.unmodifiableMap(copy);
  }
}
