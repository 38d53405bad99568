package org.pipelinekit.templates;

import java.util.List;
import java.util.stream.Collectors;
import org.pipelinekit.core.model.Pipeline;

/**
 * Moving a pipeline created from a template to another version of it: the upgraded pipeline (the
 * template's changes applied, the pipeline's own changes kept), what the template changed between
 * the versions for the pipeline's values, and the places where both changed the same stage or
 * setting (the pipeline's version was kept there).
 */
public record Upgrade(String from, String to, Pipeline pipeline, List<Change> templateChanges, List<Change> conflicts) {
  public Upgrade {
    templateChanges = List.copyOf(templateChanges);
    conflicts = List.copyOf(conflicts);
  }

  /** The changes as text, one per line, then the conflicts. */
  public String diff() {
    String changes = templateChanges.stream().map(Change::toString).collect(Collectors.joining("\n"));
    if (conflicts.isEmpty()) return changes;
    return changes + "\nkept the pipeline's own version (it changed these too):\n"
        + conflicts.stream().map(c -> "! " + c.path()).collect(Collectors.joining("\n"));
  }
}
