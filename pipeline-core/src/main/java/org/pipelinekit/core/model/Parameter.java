package org.pipelinekit.core.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A value the caller passes when starting an execution, read in expressions as
 * {@code ${{ params.name }}}. A choice parameter lists its {@code options}; a parameter without a
 * default must be given when {@code required}.
 */
public record Parameter(
    String name,
    ParameterType type,
    Optional<Object> defaultValue,
    List<String> options,
    Optional<String> description,
    boolean required) {

  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]*");

  /** Whether {@code name} may name a parameter: a letter or _, then letters, digits, _ and -. */
  public static boolean isValidName(String name) {
    return name != null && NAME.matcher(name).matches();
  }

  public Parameter {
    Checks.notBlank(name, "parameter name");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("parameter name '" + name
          + "' must start with a letter or _ and hold only letters, digits, _ and -");
    }
    Checks.notNull(type, "parameter " + name + " type");
    Checks.optional(defaultValue, "parameter " + name + " default");
    options = Checks.list(options, "parameter " + name + " options");
    Checks.optional(description, "parameter " + name + " description");
    if (type == ParameterType.CHOICE && options.isEmpty()) {
      throw new IllegalArgumentException("choice parameter '" + name + "' needs options");
    }
    if (type != ParameterType.CHOICE && !options.isEmpty()) {
      throw new IllegalArgumentException("parameter '" + name + "' is of type " + type.id()
          + " and cannot have options; make it a choice");
    }
    defaultValue = defaultValue.map(v -> Values.normalize(v, "parameter " + name + " default"));
    ParameterType t = type;
    List<String> o = options;
    defaultValue.ifPresent(v -> {
      Optional<String> problem = problemWith(t, o, v);
      if (problem.isPresent()) {
        throw new IllegalArgumentException("default of parameter '" + name + "' " + problem.get());
      }
    });
  }

  /** Why {@code value} is not a valid value of this parameter, or empty when it is. */
  public Optional<String> problemWith(Object value) {
    return problemWith(type, options, value);
  }

  private static Optional<String> problemWith(ParameterType type, List<String> options, Object value) {
    return switch (type) {
      case STRING -> value instanceof String ? Optional.empty() : Optional.of("must be a string, got " + value);
      case NUMBER -> value instanceof Number ? Optional.empty() : Optional.of("must be a number, got " + value);
      case BOOLEAN -> value instanceof Boolean ? Optional.empty() : Optional.of("must be true or false, got " + value);
      case CHOICE -> options.contains(String.valueOf(value)) ? Optional.empty()
          : Optional.of("must be one of " + options + ", got " + value);
      case LIST -> value instanceof List<?> ? Optional.empty() : Optional.of("must be a list, got " + value);
    };
  }

  public static Parameter string(String name) {
    return new Builder(name).build();
  }

  /** Configures a parameter: {@code parameter("target", p -> p.choice("staging", "production").defaultValue("staging"))}. */
  public static final class Builder {
    private final String name;
    private ParameterType type = ParameterType.STRING;
    private Optional<Object> defaultValue = Optional.empty();
    private final List<String> options = new ArrayList<>();
    private Optional<String> description = Optional.empty();
    private boolean required;

    public Builder(String name) {
      this.name = Checks.notBlank(name, "parameter name");
    }

    public Builder type(ParameterType type) {
      this.type = Checks.notNull(type, "parameter type");
      return this;
    }

    public Builder choice(String... options) {
      this.type = ParameterType.CHOICE;
      this.options.clear();
      for (String o : options) this.options.add(Checks.notBlank(o, "parameter option"));
      return this;
    }

    public Builder defaultValue(Object value) {
      this.defaultValue = Optional.of(Values.normalize(Checks.notNull(value, "parameter default"), "parameter " + name + " default"));
      return this;
    }

    public Builder description(String description) {
      this.description = Optional.of(Checks.notNull(description, "parameter description"));
      return this;
    }

    public Builder required(boolean required) {
      this.required = required;
      return this;
    }

    public Parameter build() {
      return new Parameter(name, type, defaultValue, options, description, required);
    }
  }
}
