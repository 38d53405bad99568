package org.pipelinekit.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.core.validate.PipelineValidator;
import org.pipelinekit.core.validate.Problem;
import org.pipelinekit.core.validate.Severity;
import org.pipelinekit.core.validate.ValidationResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "validate", description = "Report every problem in pipeline files (exit 1 when one has an error).")
final class ValidateCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Parameters(paramLabel = "FILE", arity = "1..*", description = "Pipeline files (" + PipelineFiles.KINDS + ")")
  List<Path> files;

  @picocli.CommandLine.Mixin
  FromOption from = new FromOption();

  @Override
  public Integer call() {
    PipelineValidator validator = PipelineValidator.create();
    boolean ok = true;
    for (Path file : files) {
      Optional<List<Pipeline>> read = PipelineFiles.readAll(file, from.from, spec.commandLine().getErr());
      if (read.isEmpty()) {
        ok = false;
        continue;
      }
      boolean several = read.get().size() > 1;
      for (Pipeline pipeline : read.get()) {
        ok &= report(several ? file + " [" + pipeline.id() + "]" : file.toString(), pipeline, validator.validate(pipeline));
      }
    }
    return ok ? 0 : Main.INVALID;
  }

  private boolean report(String where, Pipeline pipeline, ValidationResult result) {
    problems(spec, where, result);
    if (result.isValid()) {
      spec.commandLine().getOut().println(where + ": pipeline '" + pipeline.id() + "' is valid (" + pipeline.stages().size()
          + " stages" + (result.warnings().isEmpty() ? "" : ", " + result.warnings().size() + " warnings") + ")");
    }
    return result.isValid();
  }

  /** Prints each problem as validate does: errors to stderr, warnings to stdout. */
  static void problems(CommandSpec spec, String where, ValidationResult result) {
    for (Problem problem : result.problems()) {
      (problem.severity() == Severity.ERROR ? spec.commandLine().getErr() : spec.commandLine().getOut()).println(line(where, problem));
    }
  }

  /** A problem as the commands print it: {@code where: error CODE at path: message}, then its hint. */
  static String line(String where, Problem problem) {
    return where + ": " + problem.severity().name().toLowerCase(java.util.Locale.ROOT) + " " + problem.code() + " at " + problem.path()
        + ": " + problem.message() + (problem.hint().isEmpty() ? "" : "\n    hint: " + problem.hint());
  }
}
