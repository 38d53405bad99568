package org.pipelinekit.core.format;

import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.pipelinekit.core.ErrorCode;
import org.pipelinekit.core.PipelineException;
import org.pipelinekit.core.model.Pipeline;

/**
 * A pipeline file that cannot be read: malformed YAML or JSON, or values of the wrong shape. Holds
 * every problem found, each with its line and column.
 */
public final class PipelineFormatException extends PipelineException {
  private static final long serialVersionUID = 1L;

  private final List<FormatProblem> problems;
  private final transient @Nullable Pipeline partial;

  public PipelineFormatException(String source, List<FormatProblem> problems) {
    this(source, problems, null);
  }

  /** With what could be read around the problems: the values in error left out, for checks of the later phases. */
  public PipelineFormatException(String source, List<FormatProblem> problems, @Nullable Pipeline partial) {
    super(ErrorCode.PIPELINE_FORMAT_INVALID, message(source, problems));
    this.problems = List.copyOf(problems);
    this.partial = partial;
  }

  /**
   * The pipeline as far as it could be read — every value in error left out — when the document itself was readable (not
   * for malformed YAML or JSON). {@code PipelineValidator.validateRest} checks it, so one pass reports every phase's problems.
   */
  public Optional<Pipeline> partial() {
    return Optional.ofNullable(partial);
  }

  private static String message(String source, List<FormatProblem> problems) {
    StringBuilder sb = new StringBuilder();
    sb.append(source.isEmpty() ? "" : source + ": ");
    if (problems.size() == 1) {
      return sb.append(problems.get(0)).toString();
    }
    sb.append(problems.size()).append(" problems:");
    for (FormatProblem p : problems) sb.append("\n  - ").append(p);
    return sb.toString();
  }

  public List<FormatProblem> problems() {
    return problems;
  }

  /** The first problem's line. */
  public int line() {
    return problems.get(0).line();
  }

  /** The first problem's column. */
  public int column() {
    return problems.get(0).column();
  }
}
