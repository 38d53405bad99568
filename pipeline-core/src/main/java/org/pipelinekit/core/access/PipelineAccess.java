package org.pipelinekit.core.access;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.pipelinekit.core.engine.Execution;
import org.pipelinekit.core.engine.PipelineExecutor;
import org.pipelinekit.core.engine.Principal;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.core.run.ExecutionTrigger;
import org.pipelinekit.core.service.CreatedPipeline;
import org.pipelinekit.core.service.PipelineService;
import org.pipelinekit.core.spi.PipelineDraft;

/**
 * The changes a host makes for someone — to pipelines through the {@link PipelineService}, to runs through the
 * {@link PipelineExecutor} — each checked against the host's {@link AccessPolicy} for that person first, so no entry point
 * (the servlet, a host's own controller, a chat command) can change what the person's role does not allow:
 *
 * <pre>{@code
 * PipelineAccess access = PipelineAccess.of(service, executor, AccessPolicy.byRoles(roles::of));
 * access.as(principal).execute(pipeline, trigger, Map.of());   // ACCESS_DENIED (403) for a viewer
 * }</pre>
 */
public final class PipelineAccess {
  private final PipelineService service;
  private final PipelineExecutor executor;
  private final AccessPolicy policy;

  private PipelineAccess(PipelineService service, PipelineExecutor executor, AccessPolicy policy) {
    this.service = Objects.requireNonNull(service, "service");
    this.executor = Objects.requireNonNull(executor, "executor");
    this.policy = Objects.requireNonNull(policy, "policy");
  }

  public static PipelineAccess of(PipelineService service, PipelineExecutor executor, AccessPolicy policy) {
    return new PipelineAccess(service, executor, policy);
  }

  public AccessPolicy policy() {
    return policy;
  }

  /** What {@code who} may change, each call checked. */
  public Acting as(Principal who) {
    return new Acting(Objects.requireNonNull(who, "who"));
  }

  /** One person's changes. */
  public final class Acting {
    private final Principal who;

    private Acting(Principal who) {
      this.who = who;
    }

    public CreatedPipeline create(Pipeline pipeline) {
      policy.check(who, Action.EDIT, Optional.of(pipeline.id()));
      return service.create(pipeline);
    }

    public CreatedPipeline update(Pipeline pipeline, long expectedRevision) {
      policy.check(who, Action.EDIT, Optional.of(pipeline.id()));
      return service.update(pipeline, expectedRevision);
    }

    public boolean delete(String pipelineId) {
      policy.check(who, Action.EDIT, Optional.of(pipelineId));
      return service.delete(pipelineId);
    }

    public PipelineDraft saveDraft(String pipelineId, String document) {
      policy.check(who, Action.EDIT, Optional.of(pipelineId));
      return service.saveDraft(pipelineId, document);
    }

    public boolean deleteDraft(String pipelineId) {
      policy.check(who, Action.EDIT, Optional.of(pipelineId));
      return service.deleteDraft(pipelineId);
    }

    public Execution execute(Pipeline pipeline, ExecutionTrigger trigger, Map<String, ?> parameters) {
      policy.check(who, Action.RUN, Optional.of(pipeline.id()));
      return executor.execute(pipeline, trigger, parameters);
    }

    public void cancel(String executionId, String reason) {
      policy.check(who, Action.RUN, pipelineOf(executionId));
      executor.cancel(executionId, reason);
    }

    /** Runs an execution again from {@code fromStage} (the stages before it reused). */
    public Execution rerun(String executionId, String fromStage) {
      policy.check(who, Action.RUN, pipelineOf(executionId));
      return executor.rerun(executionId, fromStage);
    }

    /** Runs an execution's failed stages again (and what needs them). */
    public Execution rerunFailed(String executionId) {
      policy.check(who, Action.RUN, pipelineOf(executionId));
      return executor.rerunFailed(executionId);
    }

    /** {@link #rerun(String, String)} with its command steps traced or not. */
    public Execution rerun(String executionId, String fromStage, boolean trace) {
      policy.check(who, Action.RUN, pipelineOf(executionId));
      return executor.rerun(executionId, fromStage, trace);
    }

    /** {@link #rerunFailed(String)} with its command steps traced or not. */
    public Execution rerunFailed(String executionId, boolean trace) {
      policy.check(who, Action.RUN, pipelineOf(executionId));
      return executor.rerunFailed(executionId, trace);
    }

    public void approve(String executionId, String stageId) {
      policy.check(who, Action.APPROVE, pipelineOf(executionId));
      executor.approve(executionId, stageId, who);
    }

    public void reject(String executionId, String stageId, @Nullable String comment) {
      policy.check(who, Action.APPROVE, pipelineOf(executionId));
      executor.reject(executionId, stageId, who, comment);
    }

    private Optional<String> pipelineOf(String executionId) {
      return executor.execution(executionId).map(e -> e.header().pipelineId());
    }
  }
}
