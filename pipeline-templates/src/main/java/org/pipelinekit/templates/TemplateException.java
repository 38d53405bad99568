package org.pipelinekit.templates;

import java.util.List;
import org.pipelinekit.core.ErrorCode;
import org.pipelinekit.core.PipelineException;

/**
 * Why a template could not be read or used; {@link #problems()} lists every problem, each with the
 * path it concerns ({@code params.jdk}, {@code customizations.removeStage[0]},
 * {@code stages.build.with.goals}, {@code java-maven/template.yaml: parameters[1].type}).
 */
public class TemplateException extends PipelineException {
  private static final long serialVersionUID = 1L;
  private final List<String> problems;

  public TemplateException(ErrorCode code, List<String> problems) {
    super(code, String.join("\n", problems));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}
