package org.pipelinekit.test;

import java.time.Duration;
import java.util.List;
import org.pipelinekit.core.engine.ExecutionSnapshot;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.core.run.ExecutionEvent;
import org.pipelinekit.core.run.LogLine;
import org.pipelinekit.core.simulate.SimulatedRun;
import org.pipelinekit.core.simulate.SimulatedStep;

/** A run a {@link PipelineTester} made: assert on it with {@link PipelineAssertions#assertThat(PipelineRun)}. */
public final class PipelineRun {
  private final Pipeline pipeline;
  private final Trigger trigger;
  private final SimulatedRun run;

  PipelineRun(Pipeline pipeline, Trigger trigger, SimulatedRun run) {
    this.pipeline = pipeline;
    this.trigger = trigger;
    this.run = run;
  }

  public Pipeline pipeline() {
    return pipeline;
  }

  public Trigger trigger() {
    return trigger;
  }

  /** The execution as it ended (or stands, waiting for an approval). */
  public ExecutionSnapshot snapshot() {
    return run.snapshot();
  }

  /** Every event the engine recorded, in order, with virtual times. */
  public List<ExecutionEvent> events() {
    return run.events();
  }

  /** Every step the engine asked for, with its rendered command and environment and its virtual start and end. */
  public List<SimulatedStep> steps() {
    return run.steps();
  }

  public List<SimulatedStep> steps(String stageId) {
    return run.steps(stageId);
  }

  /** The stage's log (every job and attempt), as stored. */
  public List<LogLine> log(String stageId) {
    return run.execution().logs().read(stageId, 1, Integer.MAX_VALUE);
  }

  /** How long the run took in virtual time. */
  public Duration took() {
    return run.took();
  }

  /** The stages that wait for an approval the test did not decide. */
  public List<String> waitingForApproval() {
    return run.waitingForApproval();
  }

  SimulatedRun simulated() {
    return run;
  }

  /** The run as a table of stages with virtual start and end times, status, attempts and reasons. */
  public String timeline() {
    return "a run of " + pipeline.id() + " (" + trigger + "):\n" + run.timeline();
  }

  @Override
  public String toString() {
    return timeline();
  }
}
