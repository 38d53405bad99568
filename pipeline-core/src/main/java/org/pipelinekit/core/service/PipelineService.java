package org.pipelinekit.core.service;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.pipelinekit.core.format.PipelineFormat;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.core.model.Trigger;
import org.pipelinekit.core.plan.ExecutionPlan;
import org.pipelinekit.core.plan.ExecutionPlanner;
import org.pipelinekit.core.plan.PlannedStage;
import org.pipelinekit.core.spi.PipelineDraft;
import org.pipelinekit.core.spi.PipelineStore;
import org.pipelinekit.core.store.InMemoryPipelineStore;
import org.pipelinekit.core.validate.PipelineValidationException;
import org.pipelinekit.core.validate.PipelineValidator;
import org.pipelinekit.core.validate.Problem;
import org.pipelinekit.core.validate.ProblemCode;
import org.pipelinekit.core.validate.ValidationResult;

/**
 * Creating and changing pipelines: validate the structure, resolve the graph into a plan, report
 * needs the plan found redundant, and save. Also exports pipelines as code and imports them. Holds
 * no state of its own beyond the parts it was built with.
 *
 * <pre>{@code
 * PipelineService service = PipelineService.builder().store(new FilePipelineStore(dataDir)).build();
 * CreatedPipeline created = service.create(pipeline);   // throws PipelineValidationException listing every error
 * String yaml = service.exportAsCode(created.pipeline(), PipelineFormat.YAML);
 * }</pre>
 */
public final class PipelineService {
  private final PipelineStore store;
  private final PipelineValidator validator;
  private final ExecutionPlanner planner;

  private PipelineService(PipelineStore store, PipelineValidator validator, ExecutionPlanner planner) {
    this.store = store;
    this.validator = validator;
    this.planner = planner;
  }

  public static Builder builder() {
    return new Builder();
  }

  public PipelineStore store() {
    return store;
  }

  public PipelineValidator validator() {
    return validator;
  }

  public ValidationResult validate(Pipeline pipeline) {
    return validator.validate(pipeline);
  }

  /**
   * Validates, plans and saves a new pipeline.
   *
   * @throws PipelineValidationException listing every error; nothing is saved
   * @throws org.pipelinekit.core.PipelineException {@code STORE_CONFLICT} when the id is taken
   */
  public CreatedPipeline create(Pipeline pipeline) {
    return save(pipeline, 0);
  }

  /**
   * Validates, plans and saves a new revision of a stored pipeline, if {@code expectedVersion} is
   * still the stored one.
   */
  public CreatedPipeline update(Pipeline pipeline, long expectedVersion) {
    if (expectedVersion < 1) {
      throw new IllegalArgumentException("expectedVersion must be the stored revision (1 or more), got " + expectedVersion
          + "; use create for a new pipeline");
    }
    return save(pipeline, expectedVersion);
  }

  private CreatedPipeline save(Pipeline pipeline, long expectedVersion) {
    Objects.requireNonNull(pipeline, "pipeline");
    ValidationResult result = validator.validate(pipeline).orThrow();
    upstreamCycle(pipeline).ifPresent(p -> new ValidationResult(List.of(p)).orThrow());
    ExecutionPlan plan = planner.plan(pipeline);
    List<Problem> warnings = new ArrayList<>(result.warnings());
    warnings.addAll(redundantNeeds(plan));
    Pipeline saved = store.save(pipeline, expectedVersion);
    store.deleteDraft(saved.id()); // the work in progress is now a revision
    return new CreatedPipeline(saved, plan, warnings);
  }

  /**
   * A cycle of upstream triggers through this pipeline and the stored ones ({@code b} runs after {@code a}, {@code a}
   * after {@code b}), which would start runs forever.
   */
  private Optional<Problem> upstreamCycle(Pipeline pipeline) {
    List<Trigger.Upstream> own = pipeline.triggers().stream()
        .filter(Trigger.Upstream.class::isInstance).map(Trigger.Upstream.class::cast).toList();
    if (own.isEmpty()) return Optional.empty();
    java.util.Map<String, List<String>> after = new java.util.HashMap<>(); // pipeline -> the pipelines whose runs start it
    for (Pipeline p : store.list()) {
      after.put(p.id(), p.triggers().stream().filter(Trigger.Upstream.class::isInstance)
          .map(t -> ((Trigger.Upstream) t).pipeline()).toList());
    }
    after.put(pipeline.id(), own.stream().map(Trigger.Upstream::pipeline).toList());
    for (int i = 0; i < pipeline.triggers().size(); i++) {
      if (!(pipeline.triggers().get(i) instanceof Trigger.Upstream u)) continue;
      List<String> path = cycleBack(pipeline.id(), u.pipeline(), after, new java.util.HashSet<>());
      if (path != null) {
        List<String> names = new ArrayList<>(List.of(pipeline.id()));
        names.addAll(path);
        return Optional.of(new Problem(ProblemCode.UPSTREAM_CYCLE,
            org.pipelinekit.core.validate.Severity.ERROR, "triggers[" + i + "].upstream.pipeline",
            "the upstream triggers form a cycle: " + String.join(" runs after ", names),
            "remove the upstream trigger of one of them"));
      }
    }
    return Optional.empty();
  }

  /** The pipelines from {@code from} back to {@code target} along "runs after", or null when there is no way back. */
  private static @org.jspecify.annotations.Nullable List<String> cycleBack(String target, String from, java.util.Map<String, List<String>> after,
      java.util.Set<String> seen) {
    if (from.equals(target)) return new ArrayList<>(List.of(from));
    if (!seen.add(from)) return null;
    for (String next : after.getOrDefault(from, List.of())) {
      List<String> rest = cycleBack(target, next, after, seen);
      if (rest != null) {
        rest.add(0, from);
        return rest;
      }
    }
    return null;
  }

  /** The plan of a pipeline, after validating it. */
  public ExecutionPlan plan(Pipeline pipeline) {
    validator.validate(pipeline).orThrow();
    return planner.plan(pipeline);
  }

  public Optional<Pipeline> get(String id) {
    return store.find(id);
  }

  public List<Pipeline> list() {
    return store.list();
  }

  /** Removes the pipeline and its draft; false when there was neither. */
  public boolean delete(String id) {
    boolean draft = store.deleteDraft(id);
    return store.delete(id) || draft;
  }

  /**
   * Keeps the editor's document as the draft of {@code id}, valid or not: work that cannot be saved as a revision yet
   * is not lost. A draft never runs; the next saved revision removes it.
   */
  public PipelineDraft saveDraft(String id, String document) {
    return store.saveDraft(id, document);
  }

  public Optional<PipelineDraft> draft(String id) {
    return store.findDraft(id);
  }

  public List<PipelineDraft> drafts() {
    return store.drafts();
  }

  public boolean deleteDraft(String id) {
    return store.deleteDraft(id);
  }

  /** The pipeline as YAML, JSON or HCL, canonical: exporting what was imported gives the same text. */
  public String exportAsCode(Pipeline pipeline, PipelineFormat format) {
    return format.write(pipeline);
  }

  /**
   * Reads a pipeline from YAML or JSON without saving it.
   *
   * @throws org.pipelinekit.core.format.PipelineFormatException with line and column of each problem
   */
  public Pipeline importPipeline(String text, PipelineFormat format) {
    return format.read(text);
  }

  private static List<Problem> redundantNeeds(ExecutionPlan plan) {
    List<Problem> out = new ArrayList<>();
    for (PlannedStage s : plan.stages()) {
      for (String need : s.redundantNeeds()) {
        int index = s.stage().needs().indexOf(need);
        out.add(Problem.of(ProblemCode.NEEDS_REDUNDANT, "stages." + s.id() + ".needs[" + index + "]",
            "stage '" + s.id() + "' needs '" + need + "', which another of its needs already waits for",
            "the need can go; it changes nothing in the order stages run"));
      }
    }
    return out;
  }

  /** Configures a service; the store defaults to memory, the validator and planner to their defaults. */
  public static final class Builder {
    private PipelineStore store;
    private PipelineValidator validator;
    private ExecutionPlanner planner;

    private Builder() {}

    public Builder store(PipelineStore store) {
      this.store = Objects.requireNonNull(store, "store");
      return this;
    }

    public Builder validator(PipelineValidator validator) {
      this.validator = Objects.requireNonNull(validator, "validator");
      return this;
    }

    public Builder planner(ExecutionPlanner planner) {
      this.planner = Objects.requireNonNull(planner, "planner");
      return this;
    }

    public PipelineService build() {
      PipelineValidator v = validator != null ? validator : PipelineValidator.create();
      ExecutionPlanner p = planner != null ? planner
          : ExecutionPlanner.builder().maxMatrixCombinations(v.limits().maxMatrixCombinations()).build();
      return new PipelineService(store != null ? store : new InMemoryPipelineStore(), v, p);
    }
  }
}
