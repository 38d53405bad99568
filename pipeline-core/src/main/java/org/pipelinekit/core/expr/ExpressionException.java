package org.pipelinekit.core.expr;

import org.pipelinekit.core.ErrorCode;
import org.pipelinekit.core.PipelineException;

/** An expression that cannot be parsed or evaluated; {@link #column()} is 1-based within the text given. */
public final class ExpressionException extends PipelineException {
  private static final long serialVersionUID = 1L;

  private final int column;
  private final String reason;

  public ExpressionException(String reason, String text, int column) {
    super(ErrorCode.EXPRESSION_INVALID, reason + " at column " + column + " of `" + text + "`");
    this.column = column;
    this.reason = reason;
  }

  public int column() {
    return column;
  }

  /** The message without the position. */
  public String reason() {
    return reason;
  }
}
