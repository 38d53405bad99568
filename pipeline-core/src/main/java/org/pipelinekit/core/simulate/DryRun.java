package org.pipelinekit.core.simulate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.pipelinekit.core.engine.JobRun;
import org.pipelinekit.core.engine.PipelineExecutor;
import org.pipelinekit.core.engine.StageRun;
import org.pipelinekit.core.format.PipelineFormat;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.core.model.Stage;
import org.pipelinekit.core.run.ExecutionTrigger;
import org.pipelinekit.core.run.StageStatus;
import org.pipelinekit.core.spi.SecretStore;

/**
 * What a run would do, without starting a process: the pipeline simulated on the real engine with every step succeeding
 * at once and every approval granted, so conditions are evaluated, matrices expanded and commands and environments
 * rendered as a run would have them; secrets appear by name ({@code <secret NAME>}), never by value. {@link #report()}
 * gives it as data (for the REST API), {@link #render()} as text (for the CLI).
 */
public final class DryRun {
  private static final Pattern SECRET = Pattern.compile("secrets\\.([A-Za-z_][A-Za-z0-9_]*)");

  private DryRun() {}

  /** What a dry run found for one stage, in the order the engine reached them. */
  public record StagePlan(String stageId, boolean runs, Optional<String> skippedBecause, Optional<String> condition, List<String> needs,
      Optional<String> approval, Optional<String> environment, Optional<String> retries, List<JobPlan> jobs, List<String> caches,
      List<String> artifacts) {}

  /** One job of a stage (one per matrix cell) and the steps it would run. */
  public record JobPlan(String jobId, Map<String, String> matrix, List<StepPlan> steps) {}

  /**
   * A step: its name, and the command as rendered (empty for an in-process action, which has the stage's rendered
   * {@code inputs} instead) with the variables the pipeline sets.
   */
  public record StepPlan(String name, Optional<String> command, Map<String, String> env, Map<String, Object> inputs) {}

  /** The whole dry run: what triggered it, how many stages run, and each stage. */
  public record Report(String pipelineId, String trigger, int stages, int running, List<StagePlan> plan) {}

  /**
   * Simulates {@code pipeline} for {@code trigger} and {@code parameters}; {@code configure} adds what a host's runs have
   * (stage types, environments). Throws what a run throws for a pipeline that is not valid or parameters that are wrong.
   */
  public static Report of(Pipeline pipeline, ExecutionTrigger trigger, Map<String, ?> parameters, Consumer<PipelineExecutor.Builder> configure) {
    Set<String> secrets = new LinkedHashSet<>();
    Matcher m = SECRET.matcher(PipelineFormat.of("yaml").write(pipeline));
    while (m.find()) secrets.add(m.group(1));
    try (Simulation sim = Simulation.builder().script(StepScript.succeedEverything())
        .approver(a -> Optional.of(Approver.Decision.approve(Approver.anApproverOf(a, "dry-run"))))
        .configure(b -> {
          b.secrets(new SecretNames(secrets));
          configure.accept(b);
        }).build()) {
      SimulatedRun run = sim.run(pipeline, trigger, parameters);
      return report(pipeline, trigger, parameters, run);
    }
  }

  private static Report report(Pipeline pipeline, ExecutionTrigger trigger, Map<String, ?> parameters, SimulatedRun run) {
    List<Stage> stages = new ArrayList<>(pipeline.stages());
    stages.sort(java.util.Comparator.comparingLong(s -> run.reached(s.id())));
    List<StagePlan> plan = new ArrayList<>();
    int running = 0;
    for (Stage stage : stages) {
      StageRun r = run.snapshot().stage(stage.id());
      boolean runs = r.status() == StageStatus.SUCCEEDED;
      if (runs) running++;
      Set<String> defined = new LinkedHashSet<>(pipeline.env().keySet());
      defined.addAll(stage.env().keySet());
      stage.environment().ifPresent(e -> defined.addAll(e.variables().keySet()));
      List<JobPlan> jobs = new ArrayList<>();
      for (JobRun j : r.jobs()) {
        List<StepPlan> steps = new ArrayList<>();
        for (SimulatedStep s : run.steps(stage.id())) {
          if (!s.request().jobId().equals(j.jobId())) continue;
          Map<String, String> env = new LinkedHashMap<>();
          for (String k : defined) if (s.request().env().containsKey(k)) env.put(k, s.request().env().get(k));
          steps.add(new StepPlan(s.request().stepName(), s.request().command(), env, s.request().inputs()));
        }
        jobs.add(new JobPlan(j.jobId(), j.matrix(), steps));
      }
      plan.add(new StagePlan(stage.id(), runs, runs ? Optional.empty() : r.reason().or(() -> Optional.of(r.status().name().toLowerCase(Locale.ROOT))),
          stage.when(), stage.needs(),
          stage.approval().map(a -> "approved by " + String.join(" or ", a.approvers()) + (a.required() > 1 ? " (" + a.required() + " of them)" : "")),
          stage.environment().map(e -> e.name() + e.url().map(u -> " (" + u + ")").orElse("")),
          stage.retry().filter(p -> p.limit() > 0).map(p -> "retried up to " + p.limit() + (p.limit() == 1 ? " time" : " times")),
          jobs, stage.caches().stream().map(c -> c.key() + " → " + String.join(", ", c.paths())).toList(),
          stage.artifacts().stream().map(a -> a.name().orElse(stage.id()) + ": " + String.join(", ", a.paths())).toList()));
    }
    return new Report(pipeline.id(), describe(trigger, parameters), stages.size(), running, plan);
  }

  private static String describe(ExecutionTrigger trigger, Map<String, ?> parameters) {
    return trigger.kind() + trigger.branch().map(b -> " on branch " + b).orElse(", no branch")
        + (parameters.isEmpty() ? "" : ", " + parameters.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).reduce((a, b) -> a + ", " + b)
        .orElse(""));
  }

  /** The report as text: a summary line, then each stage with why it runs or not, its jobs, steps and variables. */
  public static String render(Report r) {
    StringBuilder out = new StringBuilder();
    out.append("dry run of ").append(r.pipelineId()).append(" (").append(r.trigger()).append("): nothing was started\n");
    List<StagePlan> skipped = r.plan().stream().filter(s -> !s.runs()).toList();
    out.append(r.running()).append(" of ").append(r.stages()).append(r.stages() == 1 ? " stage runs" : " stages run");
    for (StagePlan s : skipped) out.append("; ").append(s.stageId()).append(" skipped because ").append(because(s));
    out.append("\n");
    for (StagePlan s : r.plan()) {
      out.append("\n").append(s.runs() ? "▶ " : "⊘ ").append(s.stageId());
      if (!s.runs()) {
        out.append("  skipped: ").append(because(s)).append("\n");
        continue;
      }
      List<String> why = new ArrayList<>();
      if (!s.needs().isEmpty()) why.add("after " + String.join(", ", s.needs()));
      s.condition().ifPresent(c -> why.add("when " + c + " (true)"));
      s.approval().ifPresent(a -> why.add("once " + a + " (approved in this dry run)"));
      s.retries().ifPresent(why::add);
      out.append(why.isEmpty() ? "" : "  " + String.join("; ", why)).append("\n");
      s.environment().ifPresent(e -> out.append("    environment ").append(e).append("\n"));
      for (JobPlan j : s.jobs()) {
        String indent = "    ";
        if (s.jobs().size() > 1) {
          out.append("    job ").append(j.jobId()).append("\n");
          indent = "      ";
        }
        int n = 1;
        for (StepPlan step : j.steps()) {
          List<String> lines = step.command().map(c -> c.strip().lines().toList()).orElse(List.of());
          // a step without a name of its own is named by its command's first line, as written: the rendered command says more
          boolean unnamed = !lines.isEmpty() && (step.name().contains("${{") || step.name().equals(lines.get(0)));
          out.append(indent).append(n++).append(". ").append(unnamed ? "" : step.name());
          if (step.command().isEmpty()) {
            out.append("  (in-process, not run)");
            if (!step.inputs().isEmpty()) {
              out.append("\n").append(indent).append("   with ");
              step.inputs().forEach((k, v) -> out.append(k).append('=').append(v).append(' '));
              out.setLength(out.length() - 1);
            }
          } else if (lines.size() == 1) {
            out.append(unnamed ? "" : ": ").append(lines.get(0));
          } else {
            out.append(unnamed ? "" : ":");
            for (String line : lines) out.append("\n").append(indent).append("   $ ").append(line);
          }
          out.append("\n");
          if (!step.env().isEmpty()) {
            out.append(indent).append("   env ");
            step.env().forEach((k, v) -> out.append(k).append('=').append(v).append(' '));
            out.setLength(out.length() - 1);
            out.append("\n");
          }
        }
      }
      for (String c : s.caches()) out.append("    cache ").append(c).append("\n");
      for (String a : s.artifacts()) out.append("    artifact ").append(a).append("\n");
    }
    return out.toString();
  }

  private static String because(StagePlan s) {
    return s.skippedBecause().orElse("it does not run");
  }

  /** Answers every secret the pipeline names with its name, so a dry run needs no secret and shows none. */
  private static final class SecretNames implements SecretStore {
    private final Set<String> names;

    SecretNames(Set<String> names) {
      this.names = Set.copyOf(names);
    }

    @Override
    public String id() {
      return "dry-run";
    }

    @Override
    public Optional<String> get(String name) {
      return Optional.of("<secret " + name + ">");
    }

    @Override
    public void put(String name, String value) {
      throw new UnsupportedOperationException("a dry run stores no secret");
    }

    @Override
    public boolean delete(String name) {
      return false;
    }

    @Override
    public Set<String> names() {
      return names;
    }
  }
}
