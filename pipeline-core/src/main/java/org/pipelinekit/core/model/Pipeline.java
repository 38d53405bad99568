package org.pipelinekit.core.model;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A pipeline definition: stages joined by their {@code needs} into a graph, the parameters and
 * triggers that start it, and what every stage gets by default. Immutable; built with
 * {@link #builder(String)}:
 *
 * <pre>{@code
 * Pipeline ci = Pipeline.builder("ci")
 *     .trigger(Trigger.push("main"))
 *     .stage("build", s -> s.run("mvn -B package"))
 *     .stage("test", s -> s.needs("build").run("mvn -B verify"))
 *     .build();
 * }</pre>
 *
 * <p>{@code version} is the revision a {@code PipelineStore} gave it (0 before it was saved).
 * Building does not validate the graph: {@code PipelineValidator} reports every problem at once.
 */
public record Pipeline(
    String id,
    Optional<String> name,
    Optional<String> description,
    List<Parameter> parameters,
    List<Trigger> triggers,
    Map<String, String> env,
    Defaults defaults,
    Optional<Duration> timeout,
    Optional<Concurrency> concurrency,
    WorkspaceMode workspace,
    Optional<TemplateOrigin> template,
    List<Stage> stages,
    long version,
    Optional<PipelineSignature> signature,
    List<NotifyRule> notifications) {

  public Pipeline {
    Checks.notBlank(id, "pipeline id");
    Checks.optionalText(name, "pipeline name");
    Checks.optional(description, "pipeline description");
    parameters = Checks.list(parameters, "pipeline parameters");
    triggers = Checks.list(triggers, "pipeline triggers");
    env = Checks.orderedMap(env, "pipeline env");
    Checks.notNull(defaults, "pipeline defaults");
    Checks.optional(timeout, "pipeline timeout").ifPresent(t -> Durations.requirePositive(t, "pipeline timeout"));
    Checks.optional(concurrency, "pipeline concurrency");
    Checks.notNull(workspace, "pipeline workspace");
    Checks.optional(template, "pipeline template");
    stages = Checks.list(stages, "pipeline stages");
    if (version < 0) {
      throw new IllegalArgumentException("pipeline version must be zero or more, got " + version);
    }
    Checks.optional(signature, "pipeline signature");
    notifications = Checks.list(notifications, "pipeline notify");
  }

  /** Starts a pipeline with a valid id ({@code [a-z0-9][a-z0-9_-]*}). */
  public static Builder builder(String id) {
    return new Builder(Ids.require(id, "pipeline id"), true);
  }

  /** A builder for readers of files and importers; see {@link Stage#draft(String)}. */
  public static Builder draft(String id) {
    return new Builder(Checks.notBlank(id, "pipeline id"), false);
  }

  public Builder toBuilder() {
    return new Builder(this);
  }

  public String displayName() {
    return name.orElse(id);
  }

  /** The stage with this id, if there is one. */
  public Optional<Stage> stage(String stageId) {
    for (Stage s : stages) {
      if (s.id().equals(stageId)) return Optional.of(s);
    }
    return Optional.empty();
  }

  public Optional<Parameter> parameter(String name) {
    return parameters.stream().filter(p -> p.name().equals(name)).findFirst();
  }

  /** The same pipeline with another revision number. */
  public Pipeline withVersion(long version) {
    return new Pipeline(id, name, description, parameters, triggers, env, defaults, timeout, concurrency, workspace, template, stages, version,
        signature, notifications);
  }

  /** The same pipeline signed so, or (empty) without a signature. */
  public Pipeline withSignature(Optional<PipelineSignature> signature) {
    return new Pipeline(id, name, description, parameters, triggers, env, defaults, timeout, concurrency, workspace, template, stages, version,
        signature, notifications);
  }

  /** Builds a {@link Pipeline}; each method checks its own argument, {@link #build()} the combinations. */
  public static final class Builder {
    private final String id;
    private final boolean strict;
    private Optional<String> name = Optional.empty();
    private Optional<String> description = Optional.empty();
    private final List<Parameter> parameters = new ArrayList<>();
    private final List<Trigger> triggers = new ArrayList<>();
    private final Map<String, String> env = new LinkedHashMap<>();
    private Defaults defaults = Defaults.NONE;
    private Optional<Duration> timeout = Optional.empty();
    private Optional<Concurrency> concurrency = Optional.empty();
    private WorkspaceMode workspace = WorkspaceMode.ISOLATED;
    private Optional<TemplateOrigin> template = Optional.empty();
    private final List<Stage> stages = new ArrayList<>();
    private long version;
    private Optional<PipelineSignature> signature = Optional.empty();
    private final List<NotifyRule> notifications = new ArrayList<>();

    Builder(String id, boolean strict) {
      this.id = id;
      this.strict = strict;
    }

    Builder(Pipeline from) {
      id = from.id;
      strict = false;
      name = from.name;
      description = from.description;
      parameters.addAll(from.parameters);
      triggers.addAll(from.triggers);
      env.putAll(from.env);
      defaults = from.defaults;
      timeout = from.timeout;
      concurrency = from.concurrency;
      workspace = from.workspace;
      template = from.template;
      stages.addAll(from.stages);
      version = from.version;
      signature = from.signature;
      notifications.addAll(from.notifications);
    }

    public Builder name(String name) {
      this.name = Optional.of(Checks.notBlank(name, "pipeline name"));
      return this;
    }

    public Builder description(String description) {
      this.description = Optional.of(Checks.notNull(description, "pipeline description"));
      return this;
    }

    public Builder parameter(String name, Action<Parameter.Builder> configure) {
      Parameter.Builder b = new Parameter.Builder(name);
      configure.execute(b);
      return parameter(b.build());
    }

    public Builder parameter(Parameter parameter) {
      Checks.notNull(parameter, "parameter");
      if (strict && parameters.stream().anyMatch(p -> p.name().equals(parameter.name()))) {
        throw new IllegalArgumentException("parameter '" + parameter.name() + "' is already defined");
      }
      parameters.add(parameter);
      return this;
    }

    public Builder trigger(Trigger trigger) {
      triggers.add(Checks.notNull(trigger, "trigger"));
      return this;
    }

    public Builder env(String name, String value) {
      env.put(Checks.notBlank(name, "pipeline env name"), Checks.notNull(value, "pipeline env " + name));
      return this;
    }

    public Builder defaults(Action<Defaults.Builder> configure) {
      Defaults.Builder b = new Defaults.Builder(defaults);
      configure.execute(b);
      this.defaults = b.build();
      return this;
    }

    public Builder defaults(Defaults defaults) {
      this.defaults = Checks.notNull(defaults, "pipeline defaults");
      return this;
    }

    /** The longest a whole execution may take. */
    public Builder timeout(Duration timeout) {
      this.timeout = Optional.of(Durations.requirePositive(timeout, "pipeline timeout"));
      return this;
    }

    /** Executions whose {@code group} evaluates alike run one at a time. */
    public Builder concurrency(String group, boolean cancelInProgress) {
      this.concurrency = Optional.of(Concurrency.of(group, cancelInProgress));
      return this;
    }

    /**
     * {@code ISOLATED} (the default): each job runs in a directory of its own, starting from the source and the
     * artifacts of the stages it needs. {@code SHARED}: every job of an execution runs in one directory, as on one
     * host (files written by one stage are seen by every later one, and parallel stages share files).
     */
    public Builder workspace(WorkspaceMode workspace) {
      this.workspace = Checks.notNull(workspace, "pipeline workspace");
      return this;
    }

    public Builder concurrency(Concurrency concurrency) {
      this.concurrency = Optional.of(Checks.notNull(concurrency, "pipeline concurrency"));
      return this;
    }

    /** Adds a stage configured by {@code configure}. */
    public Builder stage(String id, Action<Stage.Builder> configure) {
      Stage.Builder b = strict ? Stage.builder(id) : Stage.draft(id);
      configure.execute(b);
      return stage(b.build());
    }

    public Builder stage(Stage stage) {
      Checks.notNull(stage, "stage");
      if (strict && stages.stream().anyMatch(s -> s.id().equals(stage.id()))) {
        throw new IllegalArgumentException("stage '" + stage.id() + "' is already defined; stage ids must be unique");
      }
      stages.add(stage);
      return this;
    }

    public Builder stages(List<Stage> stages) {
      stages.forEach(this::stage);
      return this;
    }

    /** Records the template (id, version, parameter values) the pipeline was created from. */
    public Builder template(TemplateOrigin template) {
      this.template = Optional.of(Checks.notNull(template, "pipeline template"));
      return this;
    }

    /** Forgets the template the pipeline was created from. */
    public Builder clearTemplate() {
      this.template = Optional.empty();
      return this;
    }

    public Builder template(String id, String version, Map<String, ?> values) {
      return template(new TemplateOrigin(id, version, new LinkedHashMap<>(values)));
    }

    /** Removes every stage, to rebuild the list (the designer and templates do). */
    public Builder clearStages() {
      stages.clear();
      return this;
    }

    /** The signature over the pipeline's canonical form ({@code PipelineSignatures.sign}); the server may require one. */
    /** Tells a channel when a run does one of {@code on} (on any branch); see {@link NotifyRule}. */
    public Builder notifyOn(java.util.Collection<NotifyRule.Event> on, String channel, Map<String, String> settings) {
      notifications.add(new NotifyRule(java.util.Set.copyOf(on), List.of(), channel, settings));
      return this;
    }

    public Builder notification(NotifyRule rule) {
      notifications.add(Checks.notNull(rule, "notify rule"));
      return this;
    }

    public Builder signature(PipelineSignature signature) {
      this.signature = Optional.of(Checks.notNull(signature, "pipeline signature"));
      return this;
    }

    public Builder version(long version) {
      if (version < 0) {
        throw new IllegalArgumentException("pipeline version must be zero or more, got " + version);
      }
      this.version = version;
      return this;
    }

    public Pipeline build() {
      if (strict) {
        Set<String> ids = new HashSet<>();
        stages.forEach(s -> ids.add(s.id()));
        for (Stage s : stages) {
          for (String need : s.needs()) {
            if (!ids.contains(need)) {
              throw new IllegalArgumentException("stage '" + s.id() + "' needs '" + need
                  + "', which is not a stage of pipeline '" + id + "'; stages are " + ids);
            }
          }
        }
      }
      return new Pipeline(id, name, description, parameters, triggers, env, defaults, timeout, concurrency, workspace, template, stages, version,
          signature, notifications);
    }
  }
}
