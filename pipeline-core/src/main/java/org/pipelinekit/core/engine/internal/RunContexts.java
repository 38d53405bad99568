package org.pipelinekit.core.engine.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
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

  StageContext of(StageState s, MatrixCell cell, Map<String, String> stepOutputs) {
    EngineServices services = run.services();
    Map<String, String> env = new LinkedHashMap<>(run.header().pipeline().env());
    env.putAll(s.stage.env());
    java.util.function.BooleanSupplier upstreamOk = () -> s.stage.needs().stream().allMatch(n -> run.stageState(n).status.countsAsSuccess());
    java.util.function.BooleanSupplier upstreamFailed = () -> ancestorsOf(s.id()).stream().anyMatch(a -> run.stageState(a).status.countsAsFailure());
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
    }, name -> secret(name, s.id()), run.workspace().toString(), runnerId, upstreamOk, upstreamFailed, run.cancelled(),
        patterns -> HashFiles.hash(run.workspace(), patterns), stepOutputs);
  }

  private @Nullable String secret(String name, String stageId) {
    EngineServices services = run.services();
    if (services.secrets().isEmpty()) return null;
    Optional<String> value = services.secrets().get().get(name);
    services.audit().record(new SecretAudit.Entry(services.clock().instant(), name, run.id(), stageId));
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
}
