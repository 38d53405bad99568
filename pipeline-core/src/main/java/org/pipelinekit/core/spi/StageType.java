package org.pipelinekit.core.spi;

import java.util.List;
import java.util.Optional;
import org.pipelinekit.core.model.Stage;
import org.pipelinekit.core.model.Step;

/**
 * A kind of stage the designer's library offers (git-clone, maven-build, slack, ...): the inputs
 * it takes, the outputs it sets and how a stage of this type becomes steps. Provided through
 * {@link StageTypeProvider} and found with {@link java.util.ServiceLoader}, or registered
 * explicitly on a {@code StageRegistry}.
 */
public interface StageType {

  /** Unique id, as written in {@code type:}. */
  String id();

  StageCategory category();

  /** A short human name for the library: "Maven Build". */
  String displayName();

  default String description() {
    return "";
  }

  List<InputSpec> inputs();

  List<OutputSpec> outputs();

  /**
   * Workspace files (glob patterns, as artifact paths) a job of this type leaves for the stages that depend on it, in
   * addition to the stage's own {@code artifacts}: {@code git-clone} hands on its checkout. With isolated workspaces
   * these are all that reaches the next jobs.
   */
  default List<String> handoffPaths(Stage stage) {
    return List.of();
  }

  /** Whether stages of this type list their own {@code steps} (only {@code shell} does by default). */
  default boolean acceptsSteps() {
    return false;
  }

  /** The container image a container runner uses when the stage names none. */
  default Optional<String> defaultImage() {
    return Optional.empty();
  }

  /**
   * The steps a stage of this type runs. The engine renders the stage's {@code ${{ }}} inputs
   * before it calls this, so values here are final.
   */
  List<Step> steps(Stage stage);

  /**
   * The steps the engine runs for a stage: by default each of {@link #steps(Stage)} as a command.
   * Types that work in-process (JGit, HTTP) or need something the host lacks return actions.
   */
  default List<PlannedStep> plan(Stage stage) {
    return steps(stage).stream().<PlannedStep>map(PlannedStep.Command::new).toList();
  }

  default Optional<InputSpec> input(String name) {
    return inputs().stream().filter(i -> i.name().equals(name)).findFirst();
  }

  default Optional<OutputSpec> output(String name) {
    return outputs().stream().filter(o -> o.name().equals(name)).findFirst();
  }

  /** The stage's value for an input, else the input's default. */
  default Optional<Object> inputValue(Stage stage, String name) {
    Object v = stage.inputs().get(name);
    if (v != null) return Optional.of(v);
    return input(name).flatMap(InputSpec::defaultValue);
  }
}
