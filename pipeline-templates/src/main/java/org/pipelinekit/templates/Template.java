package org.pipelinekit.templates;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A pipeline template: id, name, category, description, version, typed parameters, the pipeline
 * body (the tree of a pipeline file whose strings may use {@code ${{ params.x }}}), the components
 * it includes, who may see it, and where it was read from. Components are templates too: their
 * {@code body} holds only stages, and their parameters are the inputs used as {@code ${{ inputs.x }}}.
 */
public record Template(
    String id,
    String name,
    String category,
    String description,
    String version,
    List<TemplateParameter> parameters,
    List<ComponentUse> includes,
    Map<String, Object> body,
    Sharing sharing,
    boolean component,
    String source) {

  public Template {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(category, "category");
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(version, "version");
    parameters = List.copyOf(parameters);
    includes = List.copyOf(includes);
    Objects.requireNonNull(body, "body");
    Objects.requireNonNull(sharing, "sharing");
    Objects.requireNonNull(source, "source");
  }

  public java.util.Optional<TemplateParameter> parameter(String name) {
    return parameters.stream().filter(p -> p.name().equals(name)).findFirst();
  }
}
