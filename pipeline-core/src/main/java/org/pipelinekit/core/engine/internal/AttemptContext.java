package org.pipelinekit.core.engine.internal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import org.pipelinekit.core.engine.internal.RunState.JobState;
import org.pipelinekit.core.model.Resources;
import org.pipelinekit.core.model.Stage;
import org.pipelinekit.core.run.ExecutionEvent.ArtifactStored;
import org.pipelinekit.core.run.ExecutionEvent.CacheUsed;
import org.pipelinekit.core.spi.JobContext;
import org.pipelinekit.core.spi.StepContext;

/** What job interceptors ({@link AttemptContext}) and step interceptors and actions ({@link Step}) see of one job attempt. */
class AttemptContext implements JobContext {
  final ExecutionRun run;
  final JobState job;
  final int attempt;

  AttemptContext(ExecutionRun run, JobState job, int attempt) {
    this.run = run;
    this.job = job;
    this.attempt = attempt;
  }

  @Override public String executionId() { return run.id(); }
  @Override public String pipelineId() { return run.header().pipelineId(); }
  @Override public Stage stage() { return job.rendered; }
  @Override public String jobId() { return job.jobId; }
  @Override public Map<String, String> matrix() { return job.cell.values(); }
  @Override public int attempt() { return attempt; }
  @Override public Path workspace() { return job.workspace; }
  @Override public List<String> inputStages() { return run.workspaces().inputStages(job.stage); }
  @Override public Optional<String> branch() { return run.header().trigger().branch(); }
  @Override public Optional<Resources> resources() { return job.stage.planned.settings().resources(); }
  @Override public Executor blockingExecutor() { return run.services().blocking(); }
  @Override public void log(String line) { job.stage.log.append(job.jobId, attempt, line); }

  @Override
  public Map<String, String> env() {
    return run.contexts().env(job, attempt, new StageRendering.Lazy(() -> run.contexts().of(job.stage, job.cell, Map.of(), job.workspace)), Map.of());
  }

  @Override
  public void artifactStored(String name, String artifactId, long size, String digest, String url) {
    run.hub().publish((seq, t) -> new ArtifactStored(run.id(), seq, t, job.stage.id(), job.jobId, name, artifactId, size, digest, url));
  }

  @Override
  public void cacheUsed(String action, String key, Optional<String> matchedKey, long bytes, Duration took) {
    run.hub().publish((seq, t) -> new CacheUsed(run.id(), seq, t, job.stage.id(), job.jobId, action, key, matchedKey, bytes, took));
  }

  @Override
  public void output(String name, String value) {
    String masked = run.masker().mask(value);
    synchronized (job) {
      job.attemptOutputs.put(name, masked);
    }
  }

  @Override
  public Map<String, String> outputs() {
    synchronized (job) {
      return Map.copyOf(job.attemptOutputs);
    }
  }

  /** One step of the attempt. */
  static final class Step extends AttemptContext implements StepContext {
    private final int index;

    Step(AttemptContext job, int index) {
      super(job.run, job.job, job.attempt);
      this.index = index;
    }

    @Override public int stepIndex() { return index; }
    @Override public int stepCount() { return job.steps.size(); }
    @Override public String stepName() { return job.steps.get(index).name(); }
  }
}
