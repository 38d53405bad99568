package org.pipelinekit.core.validate;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.pipelinekit.core.expr.Expression;
import org.pipelinekit.core.expr.ExpressionException;
import org.pipelinekit.core.expr.Functions;
import org.pipelinekit.core.expr.Node.Call;
import org.pipelinekit.core.expr.Node.Reference;
import org.pipelinekit.core.expr.Template;
import org.pipelinekit.core.Suggestions;
import org.pipelinekit.core.internal.graph.Graph;
import org.pipelinekit.core.model.ArtifactSpec;
import org.pipelinekit.core.model.CacheSpec;
import org.pipelinekit.core.model.Cron;
import org.pipelinekit.core.model.Durations;
import org.pipelinekit.core.model.EffectiveSettings;
import org.pipelinekit.core.model.Ids;
import org.pipelinekit.core.model.Matrix;
import org.pipelinekit.core.model.Parameter;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.core.model.Resources;
import org.pipelinekit.core.model.Stage;
import org.pipelinekit.core.model.Step;
import org.pipelinekit.core.model.Trigger;
import org.pipelinekit.core.plan.Matrices;
import org.pipelinekit.core.spi.InputSpec;
import org.pipelinekit.core.spi.OutputSpec;
import org.pipelinekit.core.spi.StageType;
import org.pipelinekit.core.stage.StageRegistry;

/**
 * Finds every problem in a pipeline at once, each with a code, a path, a message and a hint.
 * Structure first (ids, types, inputs, limits, triggers), then the graph (unknown needs, cycles),
 * then the references inside expressions. Runs in time linear in stages, edges and text; a
 * reference to a stage that is not a direct need costs a walk over the referring stage's ancestors
 * (once per referring stage).
 */
public final class PipelineValidator {
  /** Names an expression may start with besides params, matrix and stages. */
  public static final Set<String> CONTEXT_ROOTS = Set.of(
      "env", "secrets", "branch", "commit", "tag", "pipeline", "execution", "trigger", "runner", "workspace", "upstream");

  private final StageRegistry registry;
  private final ValidationLimits limits;
  private final java.util.Optional<java.util.function.Supplier<Set<String>>> secretNames;

  private PipelineValidator(StageRegistry registry, ValidationLimits limits,
      java.util.Optional<java.util.function.Supplier<Set<String>>> secretNames) {
    this.registry = registry;
    this.limits = limits;
    this.secretNames = secretNames;
  }

  /** A validator for the built-in stage types and the default limits. */
  public static PipelineValidator create() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  public StageRegistry registry() {
    return registry;
  }

  public ValidationLimits limits() {
    return limits;
  }

  public ValidationResult validate(Pipeline pipeline) {
    return new Run(pipeline).run();
  }

  /**
   * The later phases' problems of a file the format could read only in part ({@link
   * org.pipelinekit.core.format.PipelineFormatException#partial()}): the graph, references, expressions and stage inputs of
   * what was read, leaving out problems at or around a value the format already refused (it is missing from the partial
   * pipeline, so any problem there would only be an echo). Empty when the document itself was unreadable.
   */
  public List<Problem> validateRest(org.pipelinekit.core.format.PipelineFormatException refused) {
    if (refused.partial().isEmpty()) return List.of();
    List<String> refusedAt = refused.problems().stream().map(org.pipelinekit.core.format.FormatProblem::path).toList();
    return validate(refused.partial().get()).problems().stream()
        .filter(p -> refusedAt.stream().noneMatch(at -> near(p.path(), at)))
        .toList();
  }

  private static boolean near(String path, String refused) {
    if (refused.isEmpty()) return false;
    return path.equals(refused) || path.startsWith(refused + ".") || path.startsWith(refused + "[")
        || refused.startsWith(path + ".") || refused.startsWith(path + "[");
  }

  /** Configures a validator. */
  public static final class Builder {
    private StageRegistry registry;
    private ValidationLimits limits = ValidationLimits.DEFAULTS;
    private java.util.Optional<java.util.function.Supplier<Set<String>>> secretNames = java.util.Optional.empty();

    private Builder() {}

    public Builder registry(StageRegistry registry) {
      this.registry = Objects.requireNonNull(registry, "registry");
      return this;
    }

    public Builder limits(ValidationLimits limits) {
      this.limits = Objects.requireNonNull(limits, "limits");
      return this;
    }

    /**
     * The names of the secrets there are (asked at each validation), so that a {@code secrets.X} naming
     * none of them is an error instead of an empty value at run time. Without it, secrets are not checked.
     */
    public Builder secretNames(java.util.function.Supplier<Set<String>> names) {
      this.secretNames = java.util.Optional.of(Objects.requireNonNull(names, "names"));
      return this;
    }

    public PipelineValidator build() {
      return new PipelineValidator(registry != null ? registry : StageRegistry.builtins(), limits, secretNames);
    }
  }

  /** One validation: the state of a single call. */
  private final class Run {
    private final Pipeline pipeline;
    private final List<Problem> problems = new ArrayList<>();
    private final Map<String, Integer> indexById = new HashMap<>();
    private final List<Stage> stages;
    private final Set<String> parameterNames = new HashSet<>();
    private final Map<Integer, BitSet> ancestors = new HashMap<>();
    private Graph graph;

    Run(Pipeline pipeline) {
      this.pipeline = pipeline;
      this.stages = pipeline.stages();
    }

    ValidationResult run() {
      structure();
      graph();
      references();
      return new ValidationResult(problems);
    }

    private void add(ProblemCode code, String path, String message, String hint) {
      problems.add(Problem.of(code, path, message, hint));
    }

    // ---- pass 1: structure -------------------------------------------------------------------

    private void structure() {
      if (!Ids.isValid(pipeline.id())) {
        add(ProblemCode.PIPELINE_ID_INVALID, "id", "pipeline id '" + pipeline.id() + "' is not valid",
            "use lower-case letters, digits, _ and -, starting with a letter or digit, such as '" + Ids.slug(pipeline.id()) + "'");
      }
      for (int i = 0; i < pipeline.parameters().size(); i++) {
        Parameter p = pipeline.parameters().get(i);
        if (!parameterNames.add(p.name())) {
          add(ProblemCode.PARAMETER_DUPLICATE, "parameters[" + i + "].name", "parameter '" + p.name() + "' is declared twice",
              "rename or remove one of them");
        }
      }
      for (int i = 0; i < pipeline.triggers().size(); i++) {
        trigger(pipeline.triggers().get(i), "triggers[" + i + "]");
      }
      pipeline.defaults().resources().ifPresent(r -> resources(r, "defaults.resources"));
      if (stages.isEmpty()) {
        add(ProblemCode.PIPELINE_EMPTY, "stages", "the pipeline has no stages",
            "add a stage, for example: stages: [{ id: build, steps: [{ run: make }] }]");
      }
      for (int i = 0; i < stages.size(); i++) {
        Stage s = stages.get(i);
        if (!Ids.isValid(s.id())) {
          add(ProblemCode.STAGE_ID_INVALID, "stages[" + i + "].id", "stage id '" + s.id() + "' is not valid",
              "use lower-case letters, digits, _ and -, starting with a letter or digit, such as '" + Ids.slug(s.id()) + "'");
        }
        Integer first = indexById.putIfAbsent(s.id(), i);
        if (first != null) {
          add(ProblemCode.STAGE_ID_DUPLICATE, "stages[" + i + "].id", "stage id '" + s.id() + "' is already used by stages[" + first + "]",
              "give each stage its own id");
        }
      }
      for (Stage s : stages) {
        stage(s);
      }
    }

    private void trigger(Trigger t, String path) {
      if (t instanceof Trigger.Schedule schedule) {
        try {
          Cron.parse(schedule.cron());
        } catch (IllegalArgumentException e) {
          add(ProblemCode.CRON_INVALID, path + ".schedule.cron", e.getMessage(),
              "write five fields: minute hour day-of-month month day-of-week, such as '0 3 * * *' for 03:00 every day");
        }
        schedule.timezone().ifPresent(zone -> {
          try {
            ZoneId.of(zone);
          } catch (DateTimeException e) {
            add(ProblemCode.CRON_INVALID, path + ".schedule.timezone", "'" + zone + "' is not a time zone",
                "use a region id such as Europe/Berlin or UTC");
          }
        });
      } else if (t instanceof Trigger.Upstream upstream && !Ids.isValid(upstream.pipeline())) {
        add(ProblemCode.TRIGGER_INVALID, path + ".upstream.pipeline", "'" + upstream.pipeline() + "' is not a pipeline id",
            "name the id of the pipeline whose success starts this one");
      }
    }

    private void stage(Stage s) {
      String path = "stages." + s.id();
      Optional<StageType> type = registry.find(s.type());
      if (type.isEmpty()) {
        add(ProblemCode.STAGE_TYPE_UNKNOWN, path + ".type", "stage type '" + s.type() + "' is not known"
            + Suggestions.didYouMean(s.type(), registry.ids()),
            "use one of " + String.join(", ", registry.ids()) + ", or register the type with the StageRegistry");
      } else {
        inputs(s, type.get(), path);
        if (type.get().acceptsSteps()) {
          if (s.steps().isEmpty() && type.get().id().equals(Stage.SHELL)) {
            add(ProblemCode.STEPS_MISSING, path + ".steps", "shell stage '" + s.id() + "' has no steps",
                "add steps: [{ run: <command> }], or set a type such as maven-build");
          }
        } else if (!s.steps().isEmpty()) {
          add(ProblemCode.STEPS_NOT_ALLOWED, path + ".steps", "stage type '" + s.type() + "' makes its own steps and cannot list more",
              "move the commands into a shell stage that needs '" + s.id() + "'");
        }
      }
      s.artifacts().flatMap(ArtifactSpec::name).ifPresent(n -> artifactName(n, path + ".artifacts.name"));
      s.resources().ifPresent(r -> resources(r, path + ".resources"));
      s.matrix().ifPresent(m -> matrix(m, path + ".matrix"));
      s.approval().ifPresent(a -> {
        if (a.approvers().isEmpty()) {
          add(ProblemCode.APPROVAL_WITHOUT_APPROVERS, path + ".approval.approvers", "the approval gate names no approvers",
              "name who may approve, such as approvers: [team-leads]; until then anyone allowed to approve can");
        }
      });
      Optional<Duration> stageTimeout = EffectiveSettings.of(pipeline, s).timeout();
      if (stageTimeout.isPresent() && pipeline.timeout().isPresent() && stageTimeout.get().compareTo(pipeline.timeout().get()) > 0) {
        add(ProblemCode.TIMEOUT_EXCEEDS_PIPELINE, path + ".timeout", "the stage may run " + Durations.format(stageTimeout.get())
            + " but the whole pipeline only " + Durations.format(pipeline.timeout().get()),
            "shorten the stage timeout or lengthen the pipeline timeout");
      }
    }

    /** An artifact name's fixed parts follow the stores' rule (what expressions give is checked when the artifact is stored). */
    private void artifactName(String name, String path) {
      String fixed;
      try {
        fixed = Template.parse(name).literal("x");
      } catch (ExpressionException e) {
        return; // reported with the other expressions
      }
      ArtifactSpec.nameProblem(fixed).ifPresent(why -> add(ProblemCode.ARTIFACT_NAME_INVALID, path, "artifact name '"
          + name.replace("\n", "\\n") + "' is refused: " + why, "use a relative name of letters, digits, -, _, . and /, such as app-jar"));
    }

    private void inputs(Stage s, StageType type, String path) {
      Set<String> known = new HashSet<>();
      for (InputSpec spec : type.inputs()) {
        known.add(spec.name());
        Object value = s.inputs().get(spec.name());
        if (value == null) {
          if (spec.required()) {
            add(ProblemCode.INPUT_MISSING, path + ".with." + spec.name(), "stage type '" + type.id() + "' requires input '"
                + spec.name() + "'", "set with: { " + spec.name() + ": ... } — " + spec.description());
          }
          continue;
        }
        spec.schema().check(value, path + ".with." + spec.name(), (p, message) ->
            add(ProblemCode.INPUT_INVALID, p, p.substring(path.length() + 6) + " " + message, spec.description()));
      }
      for (String name : s.inputs().keySet()) {
        if (!known.contains(name)) {
          add(ProblemCode.INPUT_UNKNOWN, path + ".with." + name, "stage type '" + type.id() + "' has no input '" + name + "'"
              + Suggestions.didYouMean(name, known), known.isEmpty() ? "remove it; this type takes no inputs"
              : "its inputs are " + String.join(", ", type.inputs().stream().map(InputSpec::name).toList()));
        }
      }
    }

    private void resources(Resources r, String path) {
      r.cpuMillicores().ifPresent(cpu -> limits.maxCpuMillicores().filter(max -> cpu > max).ifPresent(max ->
          add(ProblemCode.RESOURCES_OVER_LIMIT, path + ".cpu", "asks for " + Resources.formatCpu(cpu) + " CPU, more than the limit of "
              + Resources.formatCpu(max), "ask for " + Resources.formatCpu(max) + " or less")));
      r.memoryBytes().ifPresent(mem -> limits.maxMemoryBytes().filter(max -> mem > max).ifPresent(max ->
          add(ProblemCode.RESOURCES_OVER_LIMIT, path + ".memory", "asks for " + Resources.formatMemory(mem)
              + " of memory, more than the limit of " + Resources.formatMemory(max), "ask for " + Resources.formatMemory(max) + " or less")));
    }

    private void matrix(Matrix m, String path) {
      boolean ok = true;
      for (Map.Entry<String, List<String>> axis : m.axes().entrySet()) {
        if (axis.getValue().isEmpty()) {
          ok = false;
          add(ProblemCode.MATRIX_INVALID, path + ".axes." + axis.getKey(), "matrix axis '" + axis.getKey() + "' has no values",
              "list at least one value or remove the axis");
        }
      }
      for (int i = 0; i < m.exclude().size(); i++) {
        for (String key : m.exclude().get(i).keySet()) {
          if (!m.axes().containsKey(key)) {
            ok = false;
            add(ProblemCode.MATRIX_INVALID, path + ".exclude[" + i + "]." + key, "exclude names '" + key + "', which is not an axis"
                + Suggestions.didYouMean(key, m.axes().keySet()), "exclude only by the axes " + m.axes().keySet());
          }
        }
      }
      if (ok) {
        long cells = Matrices.count(m);
        if (cells > limits.maxMatrixCombinations()) {
          add(ProblemCode.MATRIX_TOO_LARGE, path, "the matrix expands to " + cells + " combinations, more than the limit of "
              + limits.maxMatrixCombinations(), "remove axis values, exclude combinations or split the stage");
        }
      }
    }

    // ---- pass 2: the graph -------------------------------------------------------------------

    private void graph() {
      Graph.Builder g = new Graph.Builder(stages.size());
      for (int i = 0; i < stages.size(); i++) {
        Stage s = stages.get(i);
        if (indexById.get(s.id()) != i) continue; // a duplicate; already reported
        for (int k = 0; k < s.needs().size(); k++) {
          String need = s.needs().get(k);
          Integer from = indexById.get(need);
          String path = "stages." + s.id() + ".needs[" + k + "]";
          if (from == null) {
            add(ProblemCode.NEEDS_UNKNOWN, path, "stage '" + s.id() + "' needs '" + need + "', which is not a stage"
                + Suggestions.didYouMean(need, indexById.keySet()), "name an existing stage or remove the need");
            continue;
          }
          g.edge(from, i);
        }
      }
      graph = g.build();
      for (int[] cycle : graph.cycles()) {
        StringBuilder names = new StringBuilder();
        for (int k = 0; k < cycle.length; k++) {
          names.append(k == 0 ? "" : " → ").append(stages.get(cycle[k]).id());
        }
        // Point at the need that closes the cycle: the first stage of the cycle needing the last.
        Stage first = stages.get(cycle[0]);
        String path = "stages." + first.id() + ".needs[" + first.needs().indexOf(stages.get(cycle[cycle.length - 2]).id()) + "]";
        add(ProblemCode.CYCLE, path, "the needs form a cycle: " + names,
            "remove one of these needs so that no stage waits, directly or not, for itself");
      }
      if (!graph.cycles().isEmpty()) return;
      for (int i = 0; i < stages.size(); i++) {
        Stage s = stages.get(i);
        if (indexById.get(s.id()) != i || s.dependencies().isEmpty()) continue;
        List<String> deps = s.dependencies().get();
        for (int k = 0; k < deps.size(); k++) {
          Integer from = indexById.get(deps.get(k));
          if (from == null || !isUpstream(from, i)) {
            add(ProblemCode.DEPENDENCY_NOT_NEEDED, "stages." + s.id() + ".dependencies[" + k + "]", "stage '" + s.id()
                + "' takes the files of '" + deps.get(k) + "', which " + (from == null ? "is not a stage" + Suggestions.didYouMean(deps.get(k), indexById.keySet())
                    : "it does not need, so they may not exist when it starts"),
                from == null ? "name a stage it needs" : "add '" + deps.get(k) + "' to needs, or remove it from dependencies");
          }
        }
      }
    }

    // ---- pass 3: references in expressions ---------------------------------------------------

    private void references() {
      Scope pipelineScope = new Scope(-1, Set.of());
      pipeline.concurrency().ifPresent(c -> template(c.group(), "concurrency.group", pipelineScope));
      pipeline.env().forEach((k, v) -> template(v, "env." + k, pipelineScope));
      for (int i = 0; i < pipeline.notifications().size(); i++) {
        var rule = pipeline.notifications().get(i);
        String at = "notify[" + i + "]." + rule.channel() + ".";
        rule.settings().forEach((k, v) -> template(v, at + k, pipelineScope));
      }
      for (int i = 0; i < stages.size(); i++) {
        Stage s = stages.get(i);
        if (indexById.get(s.id()) != i) continue;
        Set<String> matrixKeys = new LinkedHashSet<>();
        s.matrix().ifPresent(m -> {
          matrixKeys.addAll(m.axes().keySet());
          m.include().forEach(inc -> matrixKeys.addAll(inc.keySet()));
        });
        Scope scope = new Scope(i, matrixKeys);
        String path = "stages." + s.id();
        s.when().ifPresent(w -> {
          try {
            expression(Expression.parseCondition(w), path + ".when", scope);
          } catch (ExpressionException e) {
            expressionError(e, path + ".when");
          }
        });
        s.image().ifPresent(img -> template(img, path + ".image", scope));
        s.gates().forEach((name, condition) -> { // checked after the steps: they read what the steps wrote
          try {
            expression(Expression.parseCondition(condition), path + ".gates." + name, scope.inGate());
          } catch (ExpressionException e) {
            expressionError(e, path + ".gates." + name);
          }
        });
        s.inputs().forEach((k, v) -> value(v, path + ".with." + k, scope));
        s.env().forEach((k, v) -> template(v, path + ".env." + k, scope));
        for (int k = 0; k < s.steps().size(); k++) {
          Step st = s.steps().get(k);
          String sp = path + ".steps[" + k + "]";
          Scope stepScope = scope.inStep();
          template(st.run(), sp + ".run", stepScope);
          st.when().ifPresent(w -> {
            try {
              expression(Expression.parseCondition(w), sp + ".when", stepScope);
            } catch (ExpressionException e) {
              expressionError(e, sp + ".when");
            }
          });
          st.env().forEach((name, v) -> template(v, sp + ".env." + name, stepScope));
          st.workingDirectory().ifPresent(d -> template(d, sp + ".workingDirectory", stepScope));
        }
        for (int k = 0; k < s.caches().size(); k++) {
          CacheSpec c = s.caches().get(k);
          String cp = path + ".cache" + (s.caches().size() == 1 ? "" : "[" + k + "]");
          template(c.key(), cp + ".key", scope.inName());
          for (int r = 0; r < c.restoreKeys().size(); r++) template(c.restoreKeys().get(r), cp + ".restoreKeys[" + r + "]", scope.inName());
          for (int r = 0; r < c.paths().size(); r++) template(c.paths().get(r), cp + ".paths[" + r + "]", scope);
        }
        s.memoize().ifPresent(k -> template(k, path + ".memoize", scope.inName()));
        s.artifacts().ifPresent(a -> { // stored after the steps: they may read what the steps wrote (outputs.<name>)
          a.name().ifPresent(n -> template(n, path + ".artifacts.name", scope.inStep().inName()));
          for (int r = 0; r < a.paths().size(); r++) template(a.paths().get(r), path + ".artifacts.paths[" + r + "]", scope.inStep());
        });
        s.environment().ifPresent(e -> {
          template(e.name(), path + ".environment.name", scope);
          e.url().ifPresent(u -> template(u, path + ".environment.url", scope));
          e.variables().forEach((k, v) -> template(v, path + ".environment.variables." + k, scope));
        });
      }
    }

    private void value(Object v, String path, Scope scope) {
      if (v instanceof String s) {
        template(s, path, scope);
      } else if (v instanceof List<?> list) {
        for (int i = 0; i < list.size(); i++) value(list.get(i), path + "[" + i + "]", scope);
      } else if (v instanceof Map<?, ?> map) {
        map.forEach((k, x) -> value(x, path + "." + k, scope));
      }
    }

    private void template(String text, String path, Scope scope) {
      if (!Template.hasExpressions(text)) return;
      try {
        for (Expression e : Template.parse(text).expressions()) {
          expression(e, path, scope);
        }
      } catch (ExpressionException e) {
        expressionError(e, path);
      }
    }

    private void expressionError(ExpressionException e, String path) {
      add(ProblemCode.EXPRESSION_INVALID, path, e.getMessage(),
          "write expressions like ${{ params.target == 'prod' && success() }}; quote strings with single quotes");
    }

    private void expression(Expression e, String path, Scope scope) {
      for (Call c : e.calls()) {
        Functions.arityProblem(c.function(), c.arguments().size()).ifPresent(p ->
            add(ProblemCode.FUNCTION_INVALID, path, p + " at column " + c.column() + " of `" + e.source() + "`"
                + (Functions.isKnown(c.function()) ? "" : Suggestions.didYouMean(c.function(), Functions.names())),
                "the functions are " + String.join(", ", Functions.names().stream().map(n -> n + "()").toList())));
      }
      for (Reference r : e.references()) {
        reference(r, e, path, scope);
      }
    }

    private void reference(Reference r, Expression e, String path, Scope scope) {
      List<String> p = r.path();
      String where = " at column " + r.column() + " of `" + e.source() + "`";
      String root = p.get(0);
      switch (root) {
        case "stages" -> stageReference(r, where, path, scope);
        case "params" -> {
          if (p.size() < 2) {
            add(ProblemCode.REFERENCE_INVALID, path, "`params` needs a parameter name" + where, "write params.<name>");
          } else if (!parameterNames.contains(p.get(1))) {
            add(ProblemCode.REFERENCE_UNKNOWN_PARAMETER, path, "parameter '" + p.get(1) + "' is not declared" + where
                + Suggestions.didYouMean(p.get(1), parameterNames),
                parameterNames.isEmpty() ? "declare it under parameters:" : "declare it under parameters: or use one of " + parameterNames);
          }
        }
        case "secrets" -> {
          if (p.size() >= 2 && secretNames.isPresent() && !secretNames.get().get().contains(p.get(1))) {
            Set<String> known = secretNames.get().get();
            add(ProblemCode.SECRET_UNKNOWN, path, "there is no secret '" + p.get(1) + "'" + where
                + Suggestions.didYouMean(p.get(1), known), "store it (pipelinekit secrets set " + p.get(1)
                + ", or a line " + p.get(1) + "=... in --secrets-file) or fix the name"
                + (known.isEmpty() ? "; no secrets are stored yet" : "; the secrets are " + new java.util.TreeSet<>(known)));
          }
          if (scope.shown()) {
            add(ProblemCode.SECRET_IN_NAME, path, "a secret would be kept and shown in plain text here" + where,
                "artifact names, cache keys and memo keys are stored and listed as they are; build them from hashFiles(...), "
                    + "branches or matrix values, and pass secrets to steps through env");
          }
        }
        case "matrix" -> {
          if (scope.stage < 0) {
            add(ProblemCode.REFERENCE_NOT_AVAILABLE, path, "matrix values are not known here" + where,
                "use matrix values only inside a stage that has a matrix");
          } else if (p.size() < 2 || !scope.matrixKeys.contains(p.get(1))) {
            add(ProblemCode.REFERENCE_UNKNOWN_MATRIX, path, (scope.matrixKeys.isEmpty() ? "the stage has no matrix"
                : "the matrix has no axis '" + (p.size() < 2 ? "" : p.get(1)) + "'") + where
                + (p.size() < 2 ? "" : Suggestions.didYouMean(p.get(1), scope.matrixKeys)),
                scope.matrixKeys.isEmpty() ? "add a matrix to the stage" : "its axes are " + scope.matrixKeys);
          }
        }
        case "outputs" -> {
          if (!scope.step()) {
            add(ProblemCode.REFERENCE_NOT_AVAILABLE, path, "outputs of earlier steps are known only in a stage's steps" + where,
                scope.stage < 0 ? "read a stage's outputs in a later stage as stages.<id>.outputs.<name>"
                    : "use outputs.<name> in a step's run, env or workingDirectory, or in the stage's artifacts; another stage reads stages.<id>.outputs.<name>");
          } else if (p.size() != 2) {
            add(ProblemCode.REFERENCE_INVALID, path, "`" + r.text() + "` is not a step output" + where,
                "write outputs.<name>: the value an earlier step of the job wrote as <name>=<value> to $PIPELINE_OUTPUT");
          }
        }
        case "baseline" -> {
          if (!scope.gate()) {
            add(ProblemCode.REFERENCE_NOT_AVAILABLE, path, "baseline outputs are known only in a stage's gates" + where,
                "compare with the default branch's last good run in gates: (coverage: outputs.coverage >= baseline.outputs.coverage)");
          } else if (p.size() != 3 || !p.get(1).equals("outputs")) {
            add(ProblemCode.REFERENCE_INVALID, path, "`" + r.text() + "` is not a baseline output" + where,
                "write baseline.outputs.<name>: what this stage wrote in the default branch's last succeeded run");
          }
        }
        default -> {
          if (!CONTEXT_ROOTS.contains(root)) {
            Set<String> roots = new LinkedHashSet<>(List.of("params", "matrix", "stages", "outputs"));
            roots.addAll(CONTEXT_ROOTS);
            add(ProblemCode.REFERENCE_UNKNOWN, path, "'" + root + "' is not something an expression can read" + where
                + Suggestions.didYouMean(root, roots), "start references with one of " + String.join(", ", roots)
                + "; quote text with single quotes: '" + r.text() + "'");
          }
        }
      }
    }

    private void stageReference(Reference r, String where, String path, Scope scope) {
      List<String> raw = r.path();
      boolean every = raw.size() >= 4 && raw.size() <= 5 && raw.get(2).equals("outputs") && raw.get(3).equals("*"); // outputs[*].name
      List<String> p = !every ? raw : raw.size() == 5 ? List.of(raw.get(0), raw.get(1), raw.get(2), raw.get(4)) : raw.subList(0, 3);
      boolean outputs = p.size() == 4 && p.get(2).equals("outputs");
      boolean allOutputs = every && p.size() == 3;
      boolean result = p.size() == 3 && p.get(2).equals("result");
      if (!outputs && !result && !allOutputs) {
        add(ProblemCode.REFERENCE_INVALID, path, "`" + r.text() + "` is not a stage value" + where,
            "write stages.<id>.outputs.<name>, stages.<id>.outputs[*].<name> (every matrix job's) or stages.<id>.result");
        return;
      }
      String id = p.get(1);
      Integer target = indexById.get(id);
      if (target == null) {
        add(ProblemCode.REFERENCE_UNKNOWN_STAGE, path, "stage '" + id + "' does not exist" + where
            + Suggestions.didYouMean(id, indexById.keySet()), "name an existing stage");
        return;
      }
      if (scope.stage < 0) {
        add(ProblemCode.REFERENCE_NOT_AVAILABLE, path, "stage values are not known here" + where,
            "pipeline-level settings are evaluated before any stage runs");
        return;
      }
      if (target == scope.stage) {
        add(ProblemCode.REFERENCE_NOT_UPSTREAM, path, "stage '" + id + "' reads its own outputs" + where,
            "outputs of a stage are known only after it ends; read them in a stage that needs it");
        return;
      }
      if (!isUpstream(target, scope.stage)) {
        String self = stages.get(scope.stage).id();
        add(ProblemCode.REFERENCE_NOT_UPSTREAM, path, "stage '" + id + "' does not run before '" + self + "'" + where,
            "add '" + id + "' to the needs of '" + self + "'");
        return;
      }
      if (outputs) {
        Stage t = stages.get(target);
        registry.find(t.type()).ifPresent(type -> {
          Set<String> names = new LinkedHashSet<>();
          type.outputs().stream().map(OutputSpec::name).forEach(names::add);
          names.addAll(t.outputs());
          String name = p.get(3);
          if (!names.contains(name)) {
            add(ProblemCode.REFERENCE_UNKNOWN_OUTPUT, path, "stage '" + id + "' (" + t.type() + ") has no output '" + name + "'" + where
                + Suggestions.didYouMean(name, names), names.isEmpty()
                    ? "declare it on stage '" + id + "': outputs: [" + name + "], and write " + name + "=<value> to $PIPELINE_OUTPUT"
                    : "its outputs are " + names + "; a shell stage declares more with outputs: [" + name + "]");
          }
        });
      }
    }

    private boolean isUpstream(int candidate, int stage) {
      for (int pred : graph.predecessors(stage)) {
        if (pred == candidate) return true;
      }
      return ancestors.computeIfAbsent(stage, graph::ancestors).get(candidate);
    }
  }

  /** Where a template is: which stage, its matrix, inside a step or not, and whether its value is kept and shown as it is. */
  private record Scope(int stage, Set<String> matrixKeys, boolean step, boolean shown, boolean gate) {
    Scope(int stage, Set<String> matrixKeys) {
      this(stage, matrixKeys, false, false, false);
    }

    Scope inStep() {
      return new Scope(stage, matrixKeys, true, shown, gate);
    }

    /** A name or key: stored in metadata, listed by the API and shown in the designer, so never a secret. */
    Scope inName() {
      return new Scope(stage, matrixKeys, step, true, gate);
    }

    /** A quality gate: it may also read the stage's outputs in the default branch's last good run ({@code baseline.outputs}). */
    Scope inGate() {
      return new Scope(stage, matrixKeys, true, shown, true);
    }
  }
}
