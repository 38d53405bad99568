package org.pipelinekit.templates;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A typed template parameter: {@code string}, {@code number}, {@code boolean}, {@code choice} (one
 * of {@code options}) or {@code list} (of strings); a default (without one, and {@code required},
 * a value must be given); for strings an optional regular expression, for numbers optional bounds.
 */
public record TemplateParameter(
    String name,
    Type type,
    Optional<Object> defaultValue,
    String description,
    boolean required,
    List<String> options,
    Optional<String> pattern,
    Optional<Double> min,
    Optional<Double> max) {

  public enum Type {
    STRING,
    NUMBER,
    BOOLEAN,
    CHOICE,
    LIST;

    public String id() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  public TemplateParameter {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(defaultValue, "defaultValue");
    Objects.requireNonNull(description, "description");
    options = List.copyOf(options);
    Objects.requireNonNull(pattern, "pattern");
    Objects.requireNonNull(min, "min");
    Objects.requireNonNull(max, "max");
  }

  public static TemplateParameter string(String name, String defaultValue, String description) {
    return new TemplateParameter(name, Type.STRING, Optional.of(defaultValue), description, false, List.of(), Optional.empty(),
        Optional.empty(), Optional.empty());
  }
}
