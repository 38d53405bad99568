package org.pipelinekit.templates;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What {@link TemplateLibrary#saveAsTemplate} makes of a pipeline: the template's id, name,
 * category, description, version and sharing, and which values become parameters
 * ({@code parameter name → the value as it appears in the pipeline}).
 */
public record TemplateMetadata(String id, String name, String category, String description, String version, Sharing sharing,
    Map<String, Object> parameters) {
  public TemplateMetadata {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(category, "category");
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(sharing, "sharing");
    parameters = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
  }
}
