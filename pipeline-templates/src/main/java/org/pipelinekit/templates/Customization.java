package org.pipelinekit.templates;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.pipelinekit.core.model.Stage;

/**
 * How to make a pipeline from a template: parameter values, and changes to the result — stages
 * added, removed or replaced, stage inputs changed — plus the pipeline's id.
 *
 * <pre>{@code
 * Customization.builder().id("orders-ci").set("jdk", "17")
 *     .removeStage("deploy").setInput("build", "goals", "verify")
 *     .addStage(Stage.builder("notify").needs("test").run("./notify.sh").build())
 *     .build();
 * }</pre>
 */
public record Customization(Optional<String> id, Map<String, Object> values, List<Stage> added, List<String> removed,
    List<Stage> overridden, List<InputChange> inputs) {

  /** Sets input {@code name} of stage {@code stageId} to {@code value}. */
  public record InputChange(String stageId, String name, Object value) {}

  public static final Customization NONE = builder().build();

  public Customization {
    Objects.requireNonNull(id, "id");
    values = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(values));
    added = List.copyOf(added);
    removed = List.copyOf(removed);
    overridden = List.copyOf(overridden);
    inputs = List.copyOf(inputs);
  }

  public static Builder builder() {
    return new Builder();
  }

  public static final class Builder {
    private Optional<String> id = Optional.empty();
    private final Map<String, Object> values = new LinkedHashMap<>();
    private final List<Stage> added = new ArrayList<>();
    private final List<String> removed = new ArrayList<>();
    private final List<Stage> overridden = new ArrayList<>();
    private final List<InputChange> inputs = new ArrayList<>();

    /** The created pipeline's id (default: the template's). */
    public Builder id(String id) {
      this.id = Optional.of(id);
      return this;
    }

    /** A parameter value: typed, or text to convert ("17", "true", "a,b"). */
    public Builder set(String parameter, Object value) {
      values.put(parameter, value);
      return this;
    }

    public Builder set(Map<String, ?> values) {
      this.values.putAll(values);
      return this;
    }

    public Builder addStage(Stage stage) {
      added.add(stage);
      return this;
    }

    /** Removes a stage; stages that needed it no longer do. */
    public Builder removeStage(String stageId) {
      removed.add(stageId);
      return this;
    }

    /** Replaces the stage of the same id. */
    public Builder overrideStage(Stage stage) {
      overridden.add(stage);
      return this;
    }

    public Builder setInput(String stageId, String name, Object value) {
      inputs.add(new InputChange(stageId, name, value));
      return this;
    }

    public Customization build() {
      return new Customization(id, values, added, removed, overridden, inputs);
    }
  }
}
