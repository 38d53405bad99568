package org.pipelinekit.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.pipelinekit.core.model.Durations;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.core.plan.ExecutionPlan;
import org.pipelinekit.core.plan.PlannedStage;
import org.pipelinekit.core.service.PipelineService;
import org.pipelinekit.core.validate.PipelineValidationException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "plan", description = "Show how a pipeline would run: waves of parallel stages, matrix jobs, the critical path.")
final class PlanCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Parameters(paramLabel = "FILE", description = "Pipeline file (" + PipelineFiles.KINDS + ")")
  Path file;

  @picocli.CommandLine.Mixin
  FromOption from = new FromOption();

  @Option(names = "--pipeline", paramLabel = "ID", description = "Which pipeline to plan when the file defines several")
  String pipelineId;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    Optional<Pipeline> p = PipelineFiles.read(file, pipelineId, from.from, spec.commandLine().getErr());
    if (p.isEmpty()) return Main.INVALID;
    ExecutionPlan plan;
    try {
      plan = PipelineService.builder().build().plan(p.get());
    } catch (PipelineValidationException e) {
      spec.commandLine().getErr().println(file + ": " + e.getMessage());
      return Main.INVALID;
    }
    out.println("pipeline " + plan.pipelineId() + ": " + plan.stages().size() + " stages, " + plan.jobCount() + " jobs");
    int wave = 1;
    for (var level : plan.levels()) {
      out.println("wave " + wave++ + ":");
      for (String id : level) {
        PlannedStage s = plan.stage(id).orElseThrow();
        out.println("  " + id + (s.needs().isEmpty() ? "" : " (after " + String.join(", ", s.needs()) + ")")
            + (s.cells().size() > 1 ? " × " + s.cells().size() + " matrix jobs" : "")
            + (s.redundantNeeds().isEmpty() ? "" : " [redundant needs: " + String.join(", ", s.redundantNeeds()) + "]"));
      }
    }
    out.println("critical path: " + String.join(" → ", plan.criticalPath().stageIds()) + " (~"
        + Durations.format(plan.criticalPath().duration()) + " at 1m a stage without history)");
    return 0;
  }
}
