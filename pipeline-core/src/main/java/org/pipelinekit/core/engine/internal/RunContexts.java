package org.pipelinekit.core.engine.internal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.pipelinekit.core.engine.internal.RunState.JobState;
import org.pipelinekit.core.engine.internal.RunState.StageState;
import org.pipelinekit.core.plan.MatrixCell;
import org.pipelinekit.core.run.StageStatus;
import org.pipelinekit.core.secret.SecretAudit;

/**
 * What a stage's expressions see ({@link StageContext}): the pipeline's and stage's env, the matrix cell, the
 * finished stages' statuses and outputs, secrets (each read audited and added to the run's masker), the workspace,
 * {@code success()}/{@code failure()} over the stage's needs and ancestors, and a step's earlier outputs.
 */
final class RunContexts {
  private final ExecutionRun run;
  private final Map<String, Set<String>> ancestors = new HashMap<>();

  RunContexts(ExecutionRun run) {
    this.run = run;
  }

  /** What a stage's expressions see outside a job ({@code when}): the stage's needs decide the status functions. */
  StageContext of(StageState s, MatrixCell cell, Map<String, String> stepOutputs, Path workspace) {
    java.util.function.BooleanSupplier upstreamOk = () -> s.stage.needs().stream().allMatch(n -> run.stageState(n).status.countsAsSuccess());
    java.util.function.BooleanSupplier upstreamFailed = () -> ancestorsOf(s.id()).stream().anyMatch(a -> run.stageState(a).status.countsAsFailure());
    return context(s, cell, stepOutputs, workspace, upstreamOk, upstreamFailed, run.cancelled());
  }

  /**
   * What a step's {@code when} sees: {@code success()} while no earlier step of the job failed and the job was not stopped,
   * {@code failure()} once one failed, {@code cancelled()} once the job or its execution was cancelled or timed out.
   */
  StageContext ofStep(JobState j, Map<String, String> stepOutputs, boolean jobFailed, boolean stopped) {
    return context(j.stage, j.cell, stepOutputs, j.workspace, () -> !jobFailed && !stopped, () -> jobFailed, stopped);
  }

  private StageContext context(StageState s, MatrixCell cell, Map<String, String> stepOutputs, Path workspace,
      java.util.function.BooleanSupplier ok, java.util.function.BooleanSupplier failed, boolean cancelled) {
    EngineServices services = run.services();
    Map<String, String> env = new LinkedHashMap<>(run.header().pipeline().env());
    env.putAll(s.stage.env());
    String runnerId = services.runners().isEmpty() ? "none" : services.runners().get(0).id();
    return new StageContext(run.header(), env, cell.values(), new StageContext.StageView() {
      @Override
      public @Nullable StageStatus status(String stageId) {
        StageState x = run.stageState(stageId);
        return x == null || !x.status.isFinal() ? null : x.status;
      }

      @Override
      public Map<String, String> outputs(String stageId) {
        StageState x = run.stageState(stageId);
        return x == null ? Map.of() : x.outputs;
      }

      @Override
      public java.util.List<Map<String, String>> jobOutputs(String stageId) {
        StageState x = run.stageState(stageId);
        if (x == null) return java.util.List.of();
        if (x.jobs.isEmpty()) return java.util.List.of(x.outputs); // reused from an earlier execution: its merged outputs
        return x.jobs.stream().map(j -> j.outputs).toList();
      }
    }, name -> secret(name, s, cell), workspace.toString(), runnerId, ok, failed, cancelled,
        patterns -> HashFiles.hash(workspace, patterns), stepOutputs);
  }

  private @Nullable String secret(String asked, StageState s, MatrixCell cell) {
    EngineServices services = run.services();
    if (services.secrets().isEmpty()) return null;
    // a stage of an environment reads that environment's secret first (PRODUCTION__TOKEN as secrets.TOKEN); another
    // environment's secret is not read by its stored name
    Optional<org.pipelinekit.core.environment.EnvironmentDefinition> own = EnvironmentRules.definition(s.stage, services.environments());
    Optional<String> foreign = services.environments().filter(store -> asked.contains("__")).flatMap(store -> store.list().stream()
        .filter(d -> asked.startsWith(d.secretPrefix()) && own.filter(o -> o.name().equals(d.name())).isEmpty()).findFirst())
        .map(d -> "secret " + asked + " belongs to environment " + d.name() + ": only stages that deploy to it read it, as secrets."
            + asked.substring(d.secretPrefix().length()));
    String name = own.map(d -> d.secretPrefix() + asked).filter(k -> services.secrets().get().get(k).isPresent()).orElse(asked);
    Optional<String> withheld = foreign.or(() -> services.protectedBranches().flatMap(p -> p.withholds(run.header().trigger())));
    if (withheld.isPresent()) { // read as empty, said once per job, and recorded
      if (services.secrets().get().get(name).isEmpty()) return null; // (a secret no one has is refused as before)
      s.jobs.stream().filter(j -> j.cell.equals(cell)).findFirst().ifPresent(j -> {
        if (j.withheld.add(name)) j.log("secret " + asked + " is withheld (read as empty): " + withheld.get());
      });
      services.audit().record(new SecretAudit.Entry(services.clock().instant(), name, run.id(), s.id()), true);
      return "";
    }
    Optional<String> value = services.secrets().get().get(name);
    services.audit().record(new SecretAudit.Entry(services.clock().instant(), name, run.id(), s.id()));
    value.ifPresent(run.masker()::add);
    return value.orElse(null);
  }

  /** The stages a stage needs, directly or through others (computed once per stage). */
  synchronized Set<String> ancestorsOf(String stageId) {
    return ancestors.computeIfAbsent(stageId, k -> {
      Set<String> out = new HashSet<>();
      List<String> todo = new ArrayList<>(run.stageState(k).stage.needs());
      while (!todo.isEmpty()) {
        String n = todo.remove(todo.size() - 1);
        if (out.add(n)) todo.addAll(run.stageState(n).stage.needs());
      }
      return out;
    });
  }

  /**
   * The environment of a step: the pipeline's, the stage environment's variables, the stage's, the
   * step's own (all rendered), then the {@code CI}/{@code PIPELINE_*} variables.
   */
  Map<String, String> env(JobState j, int attempt, StageRendering.Lazy ctx, Map<String, String> stepEnv) {
    Map<String, String> env = new LinkedHashMap<>();
    run.header().pipeline().env().forEach((k, v) -> env.put(k, StageRendering.render(v, ctx)));
    j.stage.stage.environment().ifPresent(e -> e.variables().forEach((k, v) -> env.put(k, StageRendering.render(v, ctx))));
    // the host's definition of the environment: its configuration wins over the file's
    EnvironmentRules.definition(j.stage.stage, run.services().environments()).ifPresent(d -> env.putAll(d.variables()));
    j.rendered.env().forEach(env::put);
    stepEnv.forEach((k, v) -> env.put(k, StageRendering.render(v, ctx)));
    env.put("CI", "true");
    env.put("PIPELINEKIT", "true");
    env.put("PIPELINE_ID", run.header().pipelineId());
    env.put("PIPELINE_EXECUTION_ID", run.id());
    env.put("PIPELINE_STAGE", j.stage.id());
    env.put("PIPELINE_JOB", j.jobId);
    env.put("PIPELINE_ATTEMPT", Integer.toString(attempt));
    env.put("PIPELINE_WORKSPACE", j.workspace.toString());
    env.put(GeneratedStages.VARIABLE, j.workspace.resolve(GeneratedStages.FILE).toString());
    run.header().trigger().branch().ifPresent(b -> env.put("PIPELINE_BRANCH", b));
    run.header().trigger().commit().ifPresent(c -> env.put("PIPELINE_COMMIT", c));
    return env;
  }
}
