package org.pipelinekit.cli;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.pipelinekit.core.format.PipelineFormat;
import org.pipelinekit.core.model.Pipeline;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "export", description = "Print a pipeline in its canonical form as YAML, JSON or HCL.")
final class ExportCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Parameters(paramLabel = "FILE", description = "Pipeline file")
  Path file;

  @Option(names = {"-f", "--format"}, defaultValue = "yaml", description = "yaml, json or hcl (default: ${DEFAULT-VALUE})")
  String format;

  @Override
  public Integer call() {
    PipelineFormat f = PipelineFormat.of(format);
    Optional<Pipeline> p = PipelineFiles.read(file, spec.commandLine().getErr());
    if (p.isEmpty()) return Main.INVALID;
    spec.commandLine().getOut().print(f.write(p.get()));
    spec.commandLine().getOut().flush();
    return 0;
  }
}
