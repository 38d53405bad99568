package org.pipelinekit.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.pipelinekit.core.PipelineException;
import org.pipelinekit.core.format.FormatProblem;
import org.pipelinekit.core.format.PipelineFormat;
import org.pipelinekit.core.format.PipelineFormatException;
import org.pipelinekit.core.model.Pipeline;

/** Reads pipeline files for the commands, printing problems the way compilers do: {@code file:line:column: message}. */
final class PipelineFiles {
  private PipelineFiles() {}

  static Optional<Pipeline> read(Path file, PrintWriter err) {
    if (!Files.isRegularFile(file)) {
      err.println(file + ": no such file");
      return Optional.empty();
    }
    try {
      return Optional.of(PipelineFormat.read(file));
    } catch (PipelineFormatException e) {
      for (FormatProblem p : e.problems()) {
        err.println(file + ":" + p.line() + ":" + p.column() + ": error: " + (p.path().isEmpty() ? "" : p.path() + ": ") + p.message());
      }
      return Optional.empty();
    } catch (PipelineException e) {
      err.println(file + ": error: " + e.getMessage());
      return Optional.empty();
    } catch (java.io.UncheckedIOException e) {
      err.println(file + ": error: " + e.getMessage());
      return Optional.empty();
    }
  }
}
