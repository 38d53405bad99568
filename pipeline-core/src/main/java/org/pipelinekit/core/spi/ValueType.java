package org.pipelinekit.core.spi;

import java.util.Locale;

/** The kinds of values stage inputs and outputs hold; the designer picks a field editor per kind. */
public enum ValueType {
  STRING, INTEGER, NUMBER, BOOLEAN, PATH, URL, DURATION, CHOICE,
  /** A list; {@link ValueSchema#items()} says of what. */
  LIST,
  /** A map of names to strings (headers, build args, variables). */
  MAP,
  /** A structure with the named {@link ValueSchema#fields()}. */
  OBJECT;

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }
}
