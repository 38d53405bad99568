package org.pipelinekit.core.format;

/** One problem in a pipeline file: where it is (path, 1-based line and column) and what is wrong. */
public record FormatProblem(String path, int line, int column, String message) {
  @Override
  public String toString() {
    return "line " + line + ", column " + column + (path.isEmpty() ? "" : " (" + path + ")") + ": " + message;
  }
}
