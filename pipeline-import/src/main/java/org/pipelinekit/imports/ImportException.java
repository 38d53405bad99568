package org.pipelinekit.imports;

import org.pipelinekit.core.ErrorCode;
import org.pipelinekit.core.PipelineException;

/** A file that is not a configuration of the kind being imported, with where the problem is. */
public final class ImportException extends PipelineException {
  private static final long serialVersionUID = 1L;

  private final String source;
  private final int line;
  private final int column;

  public ImportException(String source, int line, int column, String message) {
    super(ErrorCode.IMPORT_INVALID, source + ":" + line + ":" + column + ": " + message);
    this.source = source;
    this.line = line;
    this.column = column;
  }

  public String source() {
    return source;
  }

  public int line() {
    return line;
  }

  public int column() {
    return column;
  }
}
