package org.pipelinekit.core.engine.internal;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import org.pipelinekit.core.engine.EngineTimer;
import org.pipelinekit.core.secret.SecretAudit;
import org.pipelinekit.core.spi.ExecutionStore;
import org.pipelinekit.core.spi.JobInterceptor;
import org.pipelinekit.core.spi.JobQueue;
import org.pipelinekit.core.spi.LogStore;
import org.pipelinekit.core.spi.Runner;
import org.pipelinekit.core.spi.SecretStore;
import org.pipelinekit.core.spi.StageMemo;
import org.pipelinekit.core.spi.StepInterceptor;
import org.pipelinekit.core.stage.StageRegistry;

/** What every execution of one executor shares; built by {@code PipelineExecutor}. */
public record EngineServices(
    StageRegistry registry,
    List<Runner> runners,
    ExecutionStore executions,
    LogStore logs,
    Optional<SecretStore> secrets,
    SecretAudit audit,
    List<JobInterceptor> jobInterceptors,
    List<StepInterceptor> interceptors,
    Clock clock,
    EngineTimer timer,
    Executor engine,
    Executor delivery,
    Executor blocking,
    Slots slots,
    Path runRoot,
    org.pipelinekit.core.spi.Handoffs handoffs,
    Optional<Path> sharedWorkspace,
    Optional<Path> source,
    FailedWorkspaces failedWorkspaces,
    Duration cancelGrace,
    Duration postStepGrace,
    int eventBuffer,
    Optional<StageMemo> memo,
    Optional<JobQueue> jobQueue,
    Optional<org.pipelinekit.core.spi.SourceProvider> sourceProvider,
    Optional<org.pipelinekit.core.secret.ProtectedBranches> protectedBranches,
    Optional<org.pipelinekit.core.environment.EnvironmentStore> environments,
    Baseline baseline) {

  /** What a stage wrote in its pipeline's last succeeded run of the default branch (not counting one execution). */
  @FunctionalInterface
  public interface Baseline {
    java.util.Map<String, String> outputs(String pipelineId, String stageId, String exceptExecutionId);
  }


  public EngineServices {
    runners = List.copyOf(runners);
    jobInterceptors = List.copyOf(jobInterceptors);
    interceptors = List.copyOf(interceptors);
  }

  public Path workspace(String executionId) {
    return sharedWorkspace.orElseGet(() -> runRoot.resolve(executionId).resolve("workspace"));
  }
}
