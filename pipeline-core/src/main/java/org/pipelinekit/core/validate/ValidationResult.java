package org.pipelinekit.core.validate;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Every problem found in a pipeline, in the order the validator met them (structure first, then
 * references and the graph). The same value feeds {@link #orThrow()}, REST 400 bodies and the
 * designer's markers.
 */
public record ValidationResult(List<Problem> problems) {
  public static final ValidationResult OK = new ValidationResult(List.of());

  public ValidationResult {
    problems = List.copyOf(problems);
  }

  /** True when there is no error (warnings allowed). */
  public boolean isValid() {
    return problems.stream().noneMatch(p -> p.severity() == Severity.ERROR);
  }

  public List<Problem> errors() {
    return problems.stream().filter(p -> p.severity() == Severity.ERROR).toList();
  }

  public List<Problem> warnings() {
    return problems.stream().filter(p -> p.severity() == Severity.WARNING).toList();
  }

  /** Problems under a path prefix, such as {@code stages.build}. */
  public List<Problem> at(String pathPrefix) {
    return problems.stream().filter(p -> p.path().equals(pathPrefix) || p.path().startsWith(pathPrefix + ".")
        || p.path().startsWith(pathPrefix + "[")).toList();
  }

  /** Throws {@link PipelineValidationException} listing every error when there is one. */
  public ValidationResult orThrow() {
    if (!isValid()) throw new PipelineValidationException(this);
    return this;
  }

  @Override
  public String toString() {
    return problems.isEmpty() ? "valid" : problems.stream().map(Problem::toString).collect(Collectors.joining("\n"));
  }
}
