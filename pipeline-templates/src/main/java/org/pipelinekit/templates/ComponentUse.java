package org.pipelinekit.templates;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A template's use of a component: which one (and optionally which version), its input values
 * (which may refer to the template's {@code ${{ params.x }}}), the stages its first stages come
 * {@code after}, and a {@code prefix} for its stage ids when a component is used twice.
 */
public record ComponentUse(String component, Optional<String> version, Map<String, Object> inputs, List<String> after,
    Optional<String> prefix) {
  public ComponentUse {
    Objects.requireNonNull(component, "component");
    Objects.requireNonNull(version, "version");
    inputs = Map.copyOf(inputs);
    after = List.copyOf(after);
    Objects.requireNonNull(prefix, "prefix");
  }
}
