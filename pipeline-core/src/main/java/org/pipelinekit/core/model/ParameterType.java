package org.pipelinekit.core.model;

import java.util.Locale;

/** The type of a pipeline {@link Parameter}. */
public enum ParameterType {
  STRING, NUMBER, BOOLEAN, CHOICE, LIST;

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static ParameterType fromId(String id) {
    for (ParameterType t : values()) {
      if (t.id().equals(id)) return t;
    }
    throw new IllegalArgumentException("'" + id + "' is not a parameter type; use string, number, boolean, choice or list");
  }
}
