package org.pipelinekit.test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.pipelinekit.core.engine.PipelineExecutor;
import org.pipelinekit.core.engine.Principal;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.core.run.ExecutionEvent.ApprovalRequested;
import org.pipelinekit.core.stage.StageRegistry;
import org.pipelinekit.core.secret.InMemorySecretStore;
import org.pipelinekit.core.simulate.Approver;
import org.pipelinekit.core.simulate.SimulatedRun;
import org.pipelinekit.core.simulate.SimulatedStep;
import org.pipelinekit.core.simulate.Simulation;
import org.pipelinekit.core.simulate.StepScript;

/**
 * Runs a pipeline in a test on the real engine with virtual time: its steps stubbed ({@link #stage}, {@link #step},
 * {@link #command}), approvals decided in the test ({@link #approve}, {@link #reject}), then {@link #run} and assert on the
 * {@link PipelineRun} with {@link PipelineAssertions#assertThat}. A step no stub matches fails the test, unless
 * {@link #otherStepsSucceed()} or {@link #runOtherStepsForReal()} says otherwise. When stubs overlap, the one declared
 * last wins. Given to a test method or constructor by {@link PipelineTest}; or made with {@link #create()} and closed.
 */
public final class PipelineTester implements AutoCloseable {
  private final List<StepStub> stubs = new ArrayList<>();
  private final Map<String, java.util.function.Function<ApprovalRequested, Approver.Decision>> decisions = new HashMap<>();
  private final Map<String, String> secrets = new HashMap<>();
  /** The stage types on the class path, as a host finds them, unless the test configures a registry. */
  private Consumer<PipelineExecutor.Builder> configure = b -> b.registry(StageRegistry.discover());
  private boolean otherStepsSucceed;
  private boolean runForReal;
  private final List<Simulation> simulations = new ArrayList<>();

  private PipelineTester() {}

  public static PipelineTester create() {
    return new PipelineTester();
  }

  /** Every step of the stage (every matrix job, every attempt), in-process actions included. */
  public StepStub stage(String stageId) {
    Objects.requireNonNull(stageId, "stageId");
    return add(new StepStub("the steps of stage '" + stageId + "'", s -> s.stageId().equals(stageId)));
  }

  /** The step of the stage with this name (its given name, else the first line of its command). */
  public StepStub step(String stageId, String stepName) {
    Objects.requireNonNull(stageId, "stageId");
    Objects.requireNonNull(stepName, "stepName");
    return add(new StepStub("step '" + stepName + "' of stage '" + stageId + "'", s -> s.stageId().equals(stageId)
        && s.stepName().equals(stepName)));
  }

  /** Every command step, in any stage, whose rendered command contains a match of {@code regex}. */
  public StepStub command(String regex) {
    Pattern p = Pattern.compile(regex);
    return add(new StepStub("commands matching /" + regex + "/", s -> s.command().filter(c -> p.matcher(c).find()).isPresent()));
  }

  private StepStub add(StepStub stub) {
    stubs.add(stub);
    return stub;
  }

  /** Steps no stub matches succeed at once (instead of failing the test). */
  public PipelineTester otherStepsSucceed() {
    this.otherStepsSucceed = true;
    return this;
  }

  /** Steps no stub matches run for real: local processes in the job's workspace, in-process actions as they are. */
  public PipelineTester runOtherStepsForReal() {
    this.runForReal = true;
    return this;
  }

  /** The stage's approval is granted when asked, by someone its approvers include. */
  public PipelineTester approve(String stageId) {
    decisions.put(Objects.requireNonNull(stageId, "stageId"), r -> Approver.Decision.approve(Approver.anApproverOf(r, "test")));
    return this;
  }

  /** The stage's approval is granted when asked, by {@code who} (the engine checks that it may). */
  public PipelineTester approve(String stageId, Principal who) {
    Objects.requireNonNull(who, "who");
    decisions.put(Objects.requireNonNull(stageId, "stageId"), r -> Approver.Decision.approve(who));
    return this;
  }

  /** The stage's approval is refused when asked, by someone its approvers include. */
  public PipelineTester reject(String stageId, String comment) {
    Objects.requireNonNull(comment, "comment");
    decisions.put(Objects.requireNonNull(stageId, "stageId"), r -> Approver.Decision.reject(Approver.anApproverOf(r, "test"), comment));
    return this;
  }

  /** A secret the run may read ({@code ${{ secrets.NAME }}}); a run's secrets are masked in its logs. */
  public PipelineTester secret(String name, String value) {
    secrets.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
    return this;
  }

  /** Anything else about the engine: its stage registry, environments, interceptors. */
  public PipelineTester configure(Consumer<PipelineExecutor.Builder> configure) {
    this.configure = this.configure.andThen(Objects.requireNonNull(configure, "configure"));
    return this;
  }

  /** Runs the pipeline as started by hand. */
  public PipelineRun run(Pipeline pipeline) {
    return run(pipeline, Trigger.manual());
  }

  /**
   * Runs the pipeline to its end (or until it waits for an approval the test did not decide) in virtual time.
   *
   * @throws AssertionError when a step had no stub (and the tester neither lets other steps succeed nor runs them)
   */
  public PipelineRun run(Pipeline pipeline, Trigger trigger) {
    Simulation sim = Simulation.builder().script(this::answer).runUnscriptedSteps(runForReal).approver(this::decide)
        .configure(b -> {
          if (!secrets.isEmpty()) b.secrets(new InMemorySecretStore(secrets));
          configure.accept(b);
        }).build();
    simulations.add(sim);
    SimulatedRun run = sim.run(pipeline, trigger.executionTrigger(), trigger.params());
    PipelineRun result = new PipelineRun(pipeline, trigger, run);
    List<SimulatedStep> missing = run.steps().stream().filter(s -> s.how() == SimulatedStep.How.UNSCRIPTED).toList();
    if (!missing.isEmpty()) {
      StringBuilder m = new StringBuilder("no stub for " + missing.size() + (missing.size() == 1 ? " step" : " steps") + " of the run:");
      for (SimulatedStep s : missing) {
        m.append("\n  ").append(s.request().describe()).append(s.request().isAction() ? " (in-process)" : ": " + s.request().shown())
            .append("\n    stub it: tester.step(\"").append(s.stageId()).append("\", \"").append(s.request().stepName()).append("\")");
      }
      m.append("\nor let the rest succeed with tester.otherStepsSucceed(), or run it with tester.runOtherStepsForReal()\n\n")
          .append(result.timeline());
      throw new AssertionError(m.toString());
    }
    return result;
  }

  private Optional<StepScript.Answer> answer(SimulatedStep.Request step) {
    for (int i = stubs.size() - 1; i >= 0; i--) {
      if (stubs.get(i).matches(step)) return Optional.of(stubs.get(i).answer());
    }
    return otherStepsSucceed ? Optional.of(StepScript.Answer.SUCCESS) : Optional.empty();
  }

  private Optional<Approver.Decision> decide(ApprovalRequested request) {
    return Optional.ofNullable(decisions.get(request.stageId())).map(d -> d.apply(request));
  }

  @Override
  public void close() {
    for (Simulation s : simulations) s.close();
    simulations.clear();
  }
}
