package org.pipelinekit.core.engine.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.pipelinekit.core.expr.ExpressionException;

/** Counts the results of a SARIF 2.1 report by level, for {@code sarif(path, level)} in gates and conditions. */
final class Sarif {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> LEVELS = List.of("note", "warning", "error");

  private Sarif() {}

  static long count(Path workspace, String path, String level) {
    boolean andAbove = level.endsWith("+");
    String base = andAbove ? level.substring(0, level.length() - 1) : level;
    int rank = LEVELS.indexOf(base);
    if (rank < 0) {
      throw new ExpressionException("sarif() counts the level error, warning or note (warning+ and note+ for that level and above), not '"
          + level + "'", "sarif", 0);
    }
    Path file = workspace.resolve(path).normalize();
    if (!file.startsWith(workspace.normalize())) throw new ExpressionException("sarif() reads a file in the workspace, not " + path, "sarif", 0);
    JsonNode report;
    try {
      report = JSON.readTree(Files.readString(file));
    } catch (IOException e) {
      throw new ExpressionException("sarif() cannot read " + path + ": " + (e instanceof java.nio.file.NoSuchFileException ? "no such file"
          : e.getMessage()), "sarif", 0);
    }
    if (!report.path("runs").isArray()) throw new ExpressionException(path + " is not a SARIF report (it has no runs)", "sarif", 0);
    long n = 0;
    for (JsonNode run : report.path("runs")) {
      for (JsonNode result : run.path("results")) {
        int r = LEVELS.indexOf(result.path("level").asText("warning")); // SARIF: a result without a level is a warning
        if (r < 0) continue; // none
        if (andAbove ? r >= rank : r == rank) n++;
      }
    }
    return n;
  }
}
