package org.pipelinekit.artifacts;

import org.pipelinekit.core.ErrorCode;
import org.pipelinekit.core.PipelineException;

/**
 * Why an artifact operation was refused; {@link #code()} is one of {@code ARTIFACT_NAME_INVALID},
 * {@code ARTIFACT_TOO_LARGE}, {@code ARTIFACT_EXISTS}, {@code ARTIFACT_NOT_FOUND},
 * {@code ARTIFACT_ACCESS_DENIED}, {@code ARTIFACT_CORRUPTED}, {@code ARTIFACT_URL_INVALID},
 * {@code ARTIFACT_URL_EXPIRED}, {@code ARTIFACT_IO}.
 */
public class ArtifactException extends PipelineException {
  private static final long serialVersionUID = 1L;

  public ArtifactException(ErrorCode code, String message) {
    super(code, message);
  }

  public ArtifactException(ErrorCode code, String message, Throwable cause) {
    super(code, message, cause);
  }
}
