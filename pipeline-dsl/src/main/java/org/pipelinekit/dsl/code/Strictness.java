package org.pipelinekit.dsl.code;

import java.util.HashSet;
import java.util.Set;
import org.pipelinekit.core.model.Ids;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.core.model.Stage;

/**
 * Whether a pipeline passes the strict builders ({@code Pipeline.builder}, {@code Stage.builder});
 * generated code uses the draft builders for the rest, so it always gives the same pipeline back.
 */
final class Strictness {
  private Strictness() {}

  static boolean strict(Pipeline p) {
    if (!Ids.isValid(p.id())) return false;
    Set<String> ids = new HashSet<>();
    Set<String> params = new HashSet<>();
    for (var param : p.parameters()) {
      if (!params.add(param.name())) return false;
    }
    for (Stage s : p.stages()) {
      if (!Ids.isValid(s.id()) || !ids.add(s.id())) return false;
      if (s.type().equals(Stage.SHELL) && s.steps().isEmpty()) return false;
      for (String need : s.needs()) {
        if (!Ids.isValid(need) || need.equals(s.id())) return false;
      }
    }
    for (Stage s : p.stages()) {
      if (!ids.containsAll(s.needs())) return false;
    }
    return true;
  }
}
