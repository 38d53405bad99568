package org.pipelinekit.core.spi;

import java.util.Objects;
import java.util.Optional;

/** One input of a stage type (a key under {@code with:}), or one field of an object input. */
public record InputSpec(String name, ValueSchema schema, boolean required, Optional<Object> defaultValue, String description) {
  public InputSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(schema, "schema");
    Objects.requireNonNull(defaultValue, "defaultValue");
    Objects.requireNonNull(description, "description");
    if (required && defaultValue.isPresent()) {
      throw new IllegalArgumentException("input '" + name + "' is required and cannot have a default");
    }
    defaultValue.ifPresent(v -> schema.check(v, name, (path, message) -> {
      throw new IllegalArgumentException("default of input " + path + " " + message);
    }));
  }

  public static InputSpec required(String name, ValueSchema schema, String description) {
    return new InputSpec(name, schema, true, Optional.empty(), description);
  }

  public static InputSpec optional(String name, ValueSchema schema, String description) {
    return new InputSpec(name, schema, false, Optional.empty(), description);
  }

  public static InputSpec withDefault(String name, ValueSchema schema, Object defaultValue, String description) {
    return new InputSpec(name, schema, false, Optional.of(defaultValue), description);
  }
}
