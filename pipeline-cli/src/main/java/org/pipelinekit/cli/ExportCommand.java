package org.pipelinekit.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.pipelinekit.imports.GitHubActionsExport;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.dsl.code.PipelineCode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "export", description = {
    "Print a pipeline in another form: YAML, JSON or HCL, a Kotlin .pipeline.kts script, or a Java class using the builder.",
    "Reading the output back gives the same pipeline. gha writes a GitHub Actions workflow when the pipeline fits one."})
final class ExportCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Parameters(paramLabel = "FILE", description = "Pipeline file (" + PipelineFiles.KINDS + ")")
  Path file;

  @picocli.CommandLine.Mixin
  FromOption from = new FromOption();

  @Option(names = {"-f", "--format"}, defaultValue = "yaml", description = "yaml, json, hcl, kotlin, java or gha (default: ${DEFAULT-VALUE})")
  String format;

  @Option(names = "--pipeline", paramLabel = "ID", description = "Which pipeline to export when the file defines several "
      + "(kotlin and java export them all by default)")
  String pipelineId;

  @Option(names = "--class", paramLabel = "[PACKAGE.]NAME", description = "Class of the Java export (default: from the pipeline id)")
  String className;

  @Override
  public Integer call() {
    String f = format.toLowerCase(Locale.ROOT);
    if (!PipelineCode.FORMATS.contains(f) && !f.equals("yml") && !f.equals("kts") && !f.equals("gha")) {
      spec.commandLine().getErr().println("error: unknown format '" + format + "'; use one of " + String.join(", ", PipelineCode.FORMATS));
      return Main.INVALID;
    }
    boolean many = pipelineId == null && (f.equals("kotlin") || f.equals("kts") || f.equals("java"));
    List<Pipeline> pipelines;
    if (many) {
      Optional<List<Pipeline>> all = PipelineFiles.readAll(file, from.from, spec.commandLine().getErr());
      if (all.isEmpty()) return Main.INVALID;
      pipelines = all.get();
    } else {
      Optional<Pipeline> one = PipelineFiles.read(file, pipelineId, from.from, spec.commandLine().getErr());
      if (one.isEmpty()) return Main.INVALID;
      pipelines = List.of(one.get());
    }
    if (f.equals("gha")) {
      // a workflow is a promise that the pipeline runs: an invalid one is refused with its problems, not half-written
      var result = org.pipelinekit.core.validate.PipelineValidator.create().validate(pipelines.get(0));
      if (!result.isValid()) {
        ValidateCommand.problems(spec, file.toString(), result);
        spec.commandLine().getErr().println(file + ": error: not exported: fix the errors above first (pipelinekit validate " + file + ")");
        return Main.INVALID;
      }
      try {
        spec.commandLine().getOut().print(GitHubActionsExport.write(pipelines.get(0)));
      } catch (GitHubActionsExport.UnfitException e) {
        spec.commandLine().getErr().println(file + ": " + e.getMessage());
        return Main.INVALID;
      }
      spec.commandLine().getOut().flush();
      return 0;
    }
    spec.commandLine().getOut().print(switch (f) {
      case "kotlin", "kts" -> PipelineCode.kotlin(pipelines);
      case "java" -> java(pipelines);
      default -> PipelineCode.export(pipelines.get(0), f);
    });
    spec.commandLine().getOut().flush();
    return 0;
  }

  private String java(List<Pipeline> pipelines) {
    String qualified = className != null ? className : PipelineCode.className(pipelines.get(0).id());
    int dot = qualified.lastIndexOf('.');
    return PipelineCode.java(pipelines, dot < 0 ? "" : qualified.substring(0, dot), qualified.substring(dot + 1));
  }
}
