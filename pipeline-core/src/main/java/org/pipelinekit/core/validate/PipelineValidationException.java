package org.pipelinekit.core.validate;

import java.util.stream.Collectors;
import org.pipelinekit.core.ErrorCode;
import org.pipelinekit.core.PipelineException;

/** A pipeline with errors was used where a valid one is needed; {@link #result()} holds every problem. */
public final class PipelineValidationException extends PipelineException {
  private static final long serialVersionUID = 1L;

  private final transient ValidationResult result;

  public PipelineValidationException(ValidationResult result) {
    super(ErrorCode.PIPELINE_INVALID, "the pipeline has " + result.errors().size() + " error" + (result.errors().size() == 1 ? "" : "s") + ":\n"
        + result.errors().stream().map(p -> "  - " + p.path() + ": " + p.message() + (p.hint().isEmpty() ? "" : " — " + p.hint()))
            .collect(Collectors.joining("\n")));
    this.result = result;
  }

  public ValidationResult result() {
    return result;
  }
}
