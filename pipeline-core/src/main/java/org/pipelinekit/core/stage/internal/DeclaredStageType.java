package org.pipelinekit.core.stage.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.pipelinekit.core.model.Stage;
import org.pipelinekit.core.model.Step;
import org.pipelinekit.core.spi.InputSpec;
import org.pipelinekit.core.spi.OutputSpec;
import org.pipelinekit.core.spi.PlannedStep;
import org.pipelinekit.core.spi.StageCategory;
import org.pipelinekit.core.spi.StageType;
import org.pipelinekit.core.spi.ValueSchema;

/** A stage type declared as data plus a function from its inputs to steps. */
final class DeclaredStageType implements StageType {
  private final String id;
  private final StageCategory category;
  private final String displayName;
  private final String description;
  private final List<InputSpec> inputs = new ArrayList<>();
  private final List<OutputSpec> outputs = new ArrayList<>();
  private Optional<String> defaultImage = Optional.empty();
  private boolean acceptsSteps;
  private Function<Inputs, List<Step>> steps = in -> List.of();
  private Function<Inputs, List<PlannedStep>> planner;
  private Function<Inputs, List<String>> handoff = in -> List.of();

  DeclaredStageType(String id, StageCategory category, String displayName, String description) {
    this.id = id;
    this.category = category;
    this.displayName = displayName;
    this.description = description;
  }

  DeclaredStageType in(InputSpec input) {
    inputs.add(input);
    return this;
  }

  DeclaredStageType out(String name, ValueSchema schema, String description) {
    outputs.add(new OutputSpec(name, schema, description));
    return this;
  }

  DeclaredStageType image(String image) {
    defaultImage = Optional.of(image);
    return this;
  }

  DeclaredStageType acceptingSteps() {
    acceptsSteps = true;
    return this;
  }

  DeclaredStageType steps(Function<Inputs, List<Step>> steps) {
    this.steps = steps;
    return this;
  }

  /** What the engine runs, when it differs from the plain commands of {@link #steps(Function)}. */
  DeclaredStageType handoff(Function<Inputs, List<String>> handoff) {
    this.handoff = handoff;
    return this;
  }

  @Override
  public List<String> handoffPaths(Stage stage) {
    return handoff.apply(new Inputs(this, stage));
  }

  DeclaredStageType planner(Function<Inputs, List<PlannedStep>> planner) {
    this.planner = planner;
    return this;
  }

  @Override public String id() { return id; }
  @Override public StageCategory category() { return category; }
  @Override public String displayName() { return displayName; }
  @Override public String description() { return description; }
  @Override public List<InputSpec> inputs() { return List.copyOf(inputs); }
  @Override public List<OutputSpec> outputs() { return List.copyOf(outputs); }
  @Override public boolean acceptsSteps() { return acceptsSteps; }
  @Override public Optional<String> defaultImage() { return defaultImage; }

  @Override
  public List<Step> steps(Stage stage) {
    List<Step> own = acceptsSteps ? stage.steps() : List.of();
    List<Step> generated = steps.apply(new Inputs(this, stage));
    if (own.isEmpty()) return generated;
    List<Step> all = new ArrayList<>(generated);
    all.addAll(own);
    return all;
  }

  @Override
  public List<PlannedStep> plan(Stage stage) {
    if (planner == null) return StageType.super.plan(stage);
    return planner.apply(new Inputs(this, stage));
  }

  @Override
  public String toString() {
    return "StageType[" + id + "]";
  }

  /** A stage's inputs with the type's defaults filled in, and shell quoting for commands. */
  static final class Inputs {
    private final StageType type;
    private final Stage stage;

    Inputs(StageType type, Stage stage) {
      this.type = type;
      this.stage = stage;
    }

    boolean has(String name) {
      return type.inputValue(stage, name).isPresent();
    }

    String str(String name) {
      return type.inputValue(stage, name).map(Inputs::text).orElse("");
    }

    /** The input as one shell word. */
    String q(String name) {
      return Shell.quote(str(name));
    }

    long integer(String name) {
      return type.inputValue(stage, name).map(v -> v instanceof Number n ? n.longValue() : Long.parseLong(text(v))).orElse(0L);
    }

    boolean bool(String name) {
      return type.inputValue(stage, name).map(v -> v instanceof Boolean b ? b : Boolean.parseBoolean(text(v))).orElse(false);
    }

    List<Object> list(String name) {
      return type.inputValue(stage, name).map(v -> v instanceof List<?> l ? List.<Object>copyOf(l) : List.<Object>of(v)).orElse(List.of());
    }

    java.util.Optional<String> optional(String name) {
      return type.inputValue(stage, name).map(Inputs::text);
    }

    Map<String, Object> map(String name) {
      Object v = type.inputValue(stage, name).orElse(Map.of());
      @SuppressWarnings("unchecked")
      Map<String, Object> m = v instanceof Map<?, ?> ? (Map<String, Object>) v : Map.of();
      return m;
    }

    /** Every item of a list input as one shell word each, joined by spaces. */
    String words(String name) {
      return String.join(" ", list(name).stream().map(v -> Shell.quote(text(v))).toList());
    }

    static String text(Object v) {
      if (v instanceof Double d && d == Math.rint(d)) return Long.toString(d.longValue());
      return String.valueOf(v);
    }
  }
}
