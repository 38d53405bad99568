package org.pipelinekit.core.engine.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.pipelinekit.core.run.ExecutionHeader;
import org.pipelinekit.core.engine.internal.RunState.StageState;
import org.pipelinekit.core.environment.Deployment;
import org.pipelinekit.core.environment.EnvironmentDefinition;
import org.pipelinekit.core.environment.EnvironmentStore;
import org.pipelinekit.core.model.Approval;
import org.pipelinekit.core.model.Environment;
import org.pipelinekit.core.model.Stage;
import org.pipelinekit.core.run.ExecutionTrigger;
import org.pipelinekit.core.run.StageStatus;

/**
 * What a stage's environment asks of it: the host's definition ({@link EnvironmentStore}) and the pipeline file's
 * protection, together — the file can add branches' limits and approvers, never take the host's away.
 */
public final class EnvironmentRules {
  private EnvironmentRules() {}

  static Optional<EnvironmentDefinition> definition(Stage stage, Optional<EnvironmentStore> store) {
    if (stage.environment().isEmpty() || store.isEmpty()) return Optional.empty();
    return store.get().find(stage.environment().get().name());
  }

  /** Why the stage may not deploy from this run's branch: the host's branches, then the file's; empty when it may. */
  static Optional<String> refusal(Stage stage, Optional<EnvironmentStore> store, ExecutionTrigger trigger) {
    if (stage.environment().isEmpty()) return Optional.empty();
    Environment env = stage.environment().get();
    Optional<String> host = definition(stage, store).flatMap(d -> d.refusal(trigger));
    if (host.isPresent()) return host;
    return env.protection().flatMap(p -> EnvironmentDefinition.refusal(env.name(), p.branches(), trigger));
  }

  /**
   * The approval the stage waits for: its own approvers, its environment's in the file and the host's, together; the
   * larger of the required counts; its own timeout. Empty when no one has to approve.
   */
  public static Optional<Approval> approval(Stage stage, Optional<EnvironmentStore> store) {
    List<String> approvers = new ArrayList<>(stage.approvers());
    Optional<EnvironmentDefinition> host = definition(stage, store);
    host.ifPresent(d -> d.approvers().forEach(a -> {
      if (!approvers.contains(a)) approvers.add(a);
    }));
    if (approvers.isEmpty()) return stage.approval();
    int required = Math.max(stage.approval().map(Approval::required).orElse(1), host.filter(d -> !d.approvers().isEmpty())
        .map(EnvironmentDefinition::required).orElse(1));
    return Optional.of(new Approval(approvers, Math.min(required, approvers.size()), stage.approval().flatMap(Approval::timeout)));
  }

  /** A stage that targeted an environment and ran (or was refused) goes into the environment's history. */
  static void record(StageState s, StageStatus status, EngineServices services, ExecutionHeader header,
      java.util.Collection<StageState> stages) {
    if (s.stage.environment().isEmpty() || services.environments().isEmpty()) return;
    if (status == StageStatus.SKIPPED || status == StageStatus.CACHED) return;
    Environment env = s.stage.environment().get();
    ExecutionTrigger t = header.trigger();
    services.environments().get().record(new Deployment(env.name(), header.pipeline().id(), header.id(), s.id(), status.name(), t.commit(),
        t.branch(), List.copyOf(new java.util.TreeSet<>(s.approvedBy)), services.clock().instant(), env.url(), version(s, stages)));
  }

  /** What the stage deployed: its own {@code version} output, else the first stage's of the run that wrote one. */
  private static Optional<String> version(StageState s, java.util.Collection<StageState> stages) {
    String own = s.jobOutputs().get("version");
    if (own != null && !own.isBlank()) return Optional.of(own);
    return stages.stream().map(x -> x.outputs.get("version")).filter(v -> v != null && !v.isBlank()).findFirst();
  }
}
