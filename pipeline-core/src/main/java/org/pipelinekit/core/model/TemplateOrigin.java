package org.pipelinekit.core.model;

import java.util.Map;

/**
 * Where a pipeline came from when it was created from a template: the template's id and version
 * and the parameter values it was created with, so upgrading to a newer version can show and
 * apply what changed.
 */
public record TemplateOrigin(String id, String version, Map<String, Object> values) {
  public TemplateOrigin {
    Checks.notBlank(id, "template id");
    Checks.notBlank(version, "template version");
    values = Values.normalizeMap(Checks.notNull(values, "template values"), "template.values");
  }
}
