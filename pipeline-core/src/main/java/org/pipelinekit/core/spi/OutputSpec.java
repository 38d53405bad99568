package org.pipelinekit.core.spi;

import java.util.Objects;

/** One output a stage type sets, read downstream as {@code ${{ stages.<id>.outputs.<name> }}}. */
public record OutputSpec(String name, ValueSchema schema, String description) {
  public OutputSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(schema, "schema");
    Objects.requireNonNull(description, "description");
  }
}
