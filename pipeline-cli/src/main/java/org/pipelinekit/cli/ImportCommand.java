package org.pipelinekit.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.pipelinekit.imports.CiImport;
import org.pipelinekit.imports.GitHubActionsExport;
import org.pipelinekit.imports.ImportException;
import org.pipelinekit.imports.ImportResult;
import org.pipelinekit.core.validate.PipelineValidator;
import org.pipelinekit.core.validate.Problem;
import org.pipelinekit.core.validate.ValidationResult;
import org.pipelinekit.dsl.code.PipelineCode;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

@Command(name = "import", description = {
    "Import a GitHub Actions workflow, GitLab CI file, Bitbucket Pipelines file or declarative Jenkinsfile.",
    "Prints the pipeline (standard output) and what became of each key of the file: mapped, approximated or unsupported (standard error)."})
final class ImportCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Parameters(paramLabel = "FILE", description = "The CI file")
  Path file;

  @Option(names = "--from", paramLabel = "KIND", converter = Kinds.class,
      description = "gha, gitlab, bitbucket or jenkins (default: from the file's name and place, else its text)")
  CiImport.Kind from;

  @Option(names = "--to", defaultValue = "yaml", description = "yaml, json, hcl, kotlin, java or gha (default: ${DEFAULT-VALUE})")
  String to;

  @Option(names = {"-q", "--quiet"}, description = "Print only the report's summary line, not each key")
  boolean quiet;

  /** picocli's converter for --from, naming the kinds when the value is none of them. */
  static final class Kinds implements ITypeConverter<CiImport.Kind> {
    @Override
    public CiImport.Kind convert(String value) {
      try {
        return CiImport.Kind.of(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    String format = to.toLowerCase(Locale.ROOT);
    if (!format.equals("gha") && !PipelineCode.FORMATS.contains(format)) {
      err.println("error: unknown format '" + to + "'; use gha or one of " + String.join(", ", PipelineCode.FORMATS));
      return Main.INVALID;
    }
    if (!java.nio.file.Files.isRegularFile(file)) {
      err.println(file + ": no such file");
      return Main.INVALID;
    }
    ImportResult r;
    try {
      r = CiImport.read(file, Optional.ofNullable(from));
    } catch (ImportException e) {
      err.println(e.getMessage());
      return Main.INVALID;
    }
    String report = r.report().render();
    err.print(quiet ? report.lines().findFirst().orElse("") + "\n" : report);
    ValidationResult v = PipelineValidator.builder().build().validate(r.pipeline());
    for (Problem p : v.problems()) err.println("  " + p.severity().name().toLowerCase(Locale.ROOT) + " " + p.path() + ": " + p.message());
    if (!v.errors().isEmpty()) {
      err.println("  (the pipeline has " + v.errors().size() + (v.errors().size() == 1 ? " error" : " errors")
          + " to fix before it runs; it is printed all the same)");
    }
    err.flush();
    try {
      out.print(format.equals("gha") ? GitHubActionsExport.write(r.pipeline()) : PipelineCode.export(r.pipeline(), format));
    } catch (GitHubActionsExport.UnfitException e) {
      err.println(file + ": " + e.getMessage());
      return Main.INVALID;
    }
    out.flush();
    return v.errors().isEmpty() ? 0 : Main.INVALID; // a result that would not run is no success
  }
}
