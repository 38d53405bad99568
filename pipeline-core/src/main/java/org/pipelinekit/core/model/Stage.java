package org.pipelinekit.core.model;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One node of a pipeline's graph: a list of steps run one after another in one workspace, after
 * every stage in {@code needs} has finished. A stage of a built-in {@code type} gets its steps from
 * the type and its {@code inputs} ({@code with:} in files); a {@code shell} stage lists its own.
 *
 * <p>The record accepts any non-blank id so that a pipeline read from a file can be validated as a
 * whole; the {@link Builder} refuses malformed ids at once.
 */
public record Stage(
    String id,
    Optional<String> name,
    List<String> needs,
    Optional<List<String>> dependencies,
    String type,
    Optional<String> when,
    Optional<String> image,
    Map<String, Object> inputs,
    Map<String, String> env,
    Optional<Matrix> matrix,
    Optional<RetryPolicy> retry,
    Optional<Duration> timeout,
    Optional<Resources> resources,
    List<CacheSpec> caches,
    Optional<ArtifactSpec> artifacts,
    Optional<Environment> environment,
    Optional<Approval> approval,
    boolean continueOnError,
    List<Integer> continueOnErrorExitCodes,
    Optional<String> memoize,
    List<String> outputs,
    List<Step> steps,
    List<String> runsOn,
    Map<String, String> gates) {

  /** The type of a stage that lists its own steps. */
  public static final String SHELL = "shell";

  public Stage {
    Checks.notBlank(id, "stage id");
    Checks.optionalText(name, "stage " + id + " name");
    needs = Checks.list(needs, "stage " + id + " needs");
    dependencies = Checks.optional(dependencies, "stage " + id + " dependencies").map(d -> Checks.list(d, "stage " + id + " dependencies"));
    Checks.notBlank(type, "stage " + id + " type");
    Checks.optionalText(when, "stage " + id + " when");
    Checks.optionalText(image, "stage " + id + " image");
    inputs = Values.normalizeMap(Checks.notNull(inputs, "stage " + id + " inputs"), "stages." + id + ".with");
    env = Checks.orderedMap(env, "stage " + id + " env");
    Checks.optional(matrix, "stage " + id + " matrix");
    Checks.optional(retry, "stage " + id + " retry");
    Checks.optional(timeout, "stage " + id + " timeout").ifPresent(t -> Durations.requirePositive(t, "stage " + id + " timeout"));
    Checks.optional(resources, "stage " + id + " resources");
    caches = Checks.list(caches, "stage " + id + " caches");
    Checks.optional(artifacts, "stage " + id + " artifacts");
    Checks.optional(environment, "stage " + id + " environment");
    Checks.optional(approval, "stage " + id + " approval");
    continueOnErrorExitCodes = Checks.list(continueOnErrorExitCodes, "stage " + id + " continueOnError exitCodes");
    if (!continueOnErrorExitCodes.isEmpty() && !continueOnError) {
      throw new IllegalArgumentException("stage " + id + " has continueOnError exit codes but not continueOnError");
    }
    Checks.optionalText(memoize, "stage " + id + " memoize");
    outputs = Checks.list(outputs, "stage " + id + " outputs");
    steps = Checks.list(steps, "stage " + id + " steps");
    runsOn = Checks.list(runsOn, "stage " + id + " runsOn");
    gates = Checks.orderedMap(gates, "stage " + id + " gates");
  }

  /**
   * Whether a job of this stage that failed with this exit code (empty: a timeout or a runner error) leaves the stage
   * SOFT_FAILED rather than failing the pipeline.
   */
  public boolean failureIsSoft(Optional<Integer> exitCode) {
    return continueOnError && (continueOnErrorExitCodes.isEmpty() || exitCode.filter(continueOnErrorExitCodes::contains).isPresent());
  }

  public static Builder builder(String id) {
    return new Builder(id, true);
  }

  /**
   * A builder that checks only what the record itself requires, for readers of pipeline files and
   * importers: malformed ids, self-needs and missing steps are left for {@code PipelineValidator},
   * which reports every problem at once with its path.
   */
  public static Builder draft(String id) {
    return new Builder(id, false);
  }

  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * Who may decide this stage's approval: its approvers, then those of its environment's protection not named already
   * (empty: anyone). The engine checks a decision against these; the API tells a caller whether they are one.
   */
  public List<String> approvers() {
    List<String> all = new ArrayList<>(approval.map(Approval::approvers).orElse(List.of()));
    environment.flatMap(Environment::protection).ifPresent(p -> p.approvers().forEach(a -> {
      if (!all.contains(a)) all.add(a);
    }));
    return List.copyOf(all);
  }

  /** The name to show: the display name, else the id. */
  public String displayName() {
    return name.orElse(id);
  }

  /**
   * Configures a stage: {@code stage("build", s -> s.needs("checkout").type("maven-build").with("goals", "package"))}.
   * Each method checks its own argument and says what was wrong with it.
   */
  public static final class Builder {
    private final String id;
    private final boolean strict;
    private Optional<String> name = Optional.empty();
    private final LinkedHashSet<String> needs = new LinkedHashSet<>();
    private Optional<List<String>> dependencies = Optional.empty();
    private String type = SHELL;
    private Optional<String> when = Optional.empty();
    private Optional<String> image = Optional.empty();
    private final Map<String, Object> inputs = new LinkedHashMap<>();
    private final Map<String, String> env = new LinkedHashMap<>();
    private Optional<Matrix> matrix = Optional.empty();
    private Optional<RetryPolicy> retry = Optional.empty();
    private Optional<Duration> timeout = Optional.empty();
    private Optional<Resources> resources = Optional.empty();
    private final List<CacheSpec> caches = new ArrayList<>();
    private Optional<ArtifactSpec> artifacts = Optional.empty();
    private Optional<Environment> environment = Optional.empty();
    private Optional<Approval> approval = Optional.empty();
    private boolean continueOnError;
    private final List<Integer> continueOnErrorExitCodes = new ArrayList<>();
    private Optional<String> memoize = Optional.empty();
    private final LinkedHashSet<String> outputs = new LinkedHashSet<>();
    private final List<Step> steps = new ArrayList<>();
    private final LinkedHashSet<String> runsOn = new LinkedHashSet<>();
    private final Map<String, String> gates = new LinkedHashMap<>();

    Builder(String id, boolean strict) {
      this.strict = strict;
      this.id = strict ? Ids.require(id, "stage id") : Checks.notBlank(id, "stage id");
    }

    Builder(Stage from) {
      id = from.id;
      strict = false;
      name = from.name;
      needs.addAll(from.needs);
      dependencies = from.dependencies;
      type = from.type;
      when = from.when;
      image = from.image;
      inputs.putAll(from.inputs);
      env.putAll(from.env);
      matrix = from.matrix;
      retry = from.retry;
      timeout = from.timeout;
      resources = from.resources;
      caches.addAll(from.caches);
      artifacts = from.artifacts;
      environment = from.environment;
      approval = from.approval;
      continueOnError = from.continueOnError;
      continueOnErrorExitCodes.addAll(from.continueOnErrorExitCodes);
      memoize = from.memoize;
      outputs.addAll(from.outputs);
      steps.addAll(from.steps);
      runsOn.addAll(from.runsOn);
      gates.putAll(from.gates);
    }

    public String id() {
      return id;
    }

    public Builder name(String name) {
      this.name = Optional.of(Checks.notBlank(name, "stage " + id + " name"));
      return this;
    }

    /** Stages that must finish before this one starts. */
    /** Removes every need, to set them again. */
    public Builder clearNeeds() {
      needs.clear();
      return this;
    }

    public Builder needs(String... stageIds) {
      for (String s : stageIds) {
        if (!strict) {
          needs.add(Checks.notBlank(s, "stage " + id + " needs"));
          continue;
        }
        Ids.require(s, "stage " + id + " needs");
        if (s.equals(id)) {
          throw new IllegalArgumentException("stage '" + id + "' cannot need itself");
        }
        needs.add(s);
      }
      return this;
    }

    /**
     * The stages whose files this stage's jobs start with (their artifacts, restored into the job's workspace), when
     * not every stage it needs, directly or through others; {@code dependencies()} with no ids starts from the source
     * alone (GitLab's {@code dependencies}). Each must be a stage this one needs, directly or through others.
     */
    public Builder dependencies(String... stageIds) {
      List<String> ids = new ArrayList<>();
      for (String s : stageIds) ids.add(Checks.notBlank(s, "stage " + id + " dependencies"));
      this.dependencies = Optional.of(List.copyOf(ids));
      return this;
    }

    /** The stage type id (see {@code StageRegistry}); {@code shell} when not set. */
    public Builder type(String type) {
      this.type = Checks.notBlank(type, "stage " + id + " type");
      return this;
    }

    /** A condition such as {@code branch == 'main' && success()}. */
    public Builder when(String condition) {
      this.when = Optional.of(Checks.notBlank(condition, "stage " + id + " when"));
      return this;
    }

    /** The container image the stage runs in when a container runner is used. */
    public Builder image(String image) {
      this.image = Optional.of(Checks.notBlank(image, "stage " + id + " image"));
      return this;
    }

    /** An input of the stage type ({@code with:} in files). */
    public Builder with(String input, Object value) {
      Checks.notBlank(input, "stage " + id + " input name");
      inputs.put(input, Values.normalize(value, "stages." + id + ".with." + input));
      return this;
    }

    public Builder with(Map<String, ?> inputs) {
      inputs.forEach(this::with);
      return this;
    }

    public Builder env(String name, String value) {
      env.put(Checks.notBlank(name, "stage " + id + " env name"), Checks.notNull(value, "stage " + id + " env " + name));
      return this;
    }

    /** Adds a step running {@code command}. */
    public Builder run(String command) {
      steps.add(Step.of(command));
      return this;
    }

    /** Adds a named step running {@code command}. */
    public Builder run(String name, String command) {
      steps.add(Step.of(name, command));
      return this;
    }

    public Builder step(Action<Step.Builder> configure) {
      Step.Builder b = new Step.Builder();
      configure.execute(b);
      steps.add(b.build());
      return this;
    }

    public Builder step(Step step) {
      steps.add(Checks.notNull(step, "step"));
      return this;
    }

    /** Outputs this stage sets beyond those its type declares (a shell stage declares all of its own). */
    public Builder outputs(String... names) {
      for (String n : names) outputs.add(Checks.notBlank(n, "stage " + id + " output name"));
      return this;
    }

    public Builder matrix(Action<Matrix.Builder> configure) {
      Matrix.Builder b = new Matrix.Builder();
      configure.execute(b);
      this.matrix = Optional.of(b.build());
      return this;
    }

    public Builder matrix(Matrix matrix) {
      this.matrix = Optional.of(Checks.notNull(matrix, "stage " + id + " matrix"));
      return this;
    }

    /** Retries up to {@code limit} times on any failure, with the default backoff. */
    public Builder retry(int limit) {
      this.retry = Optional.of(RetryPolicy.of(limit));
      return this;
    }

    public Builder retry(Action<RetryPolicy.Builder> configure) {
      RetryPolicy.Builder b = new RetryPolicy.Builder();
      configure.execute(b);
      this.retry = Optional.of(b.build());
      return this;
    }

    public Builder retry(RetryPolicy retry) {
      this.retry = Optional.of(Checks.notNull(retry, "stage " + id + " retry"));
      return this;
    }

    public Builder timeout(Duration timeout) {
      this.timeout = Optional.of(Durations.requirePositive(timeout, "stage " + id + " timeout"));
      return this;
    }

    /** CPU ({@code 2}, {@code 500m}) and memory ({@code 4Gi}). */
    public Builder resources(String cpu, String memory) {
      this.resources = Optional.of(Resources.of(cpu, memory));
      return this;
    }

    public Builder resources(Resources resources) {
      this.resources = Optional.of(Checks.notNull(resources, "stage " + id + " resources"));
      return this;
    }

    public Builder cache(Action<CacheSpec.Builder> configure) {
      CacheSpec.Builder b = new CacheSpec.Builder();
      configure.execute(b);
      caches.add(b.build());
      return this;
    }

    public Builder cache(CacheSpec cache) {
      caches.add(Checks.notNull(cache, "stage " + id + " cache"));
      return this;
    }

    /** Replaces the caches. */
    public Builder caches(List<CacheSpec> caches) {
      this.caches.clear();
      caches.forEach(this::cache);
      return this;
    }

    public Builder artifacts(Action<ArtifactSpec.Builder> configure) {
      ArtifactSpec.Builder b = new ArtifactSpec.Builder();
      configure.execute(b);
      this.artifacts = Optional.of(b.build());
      return this;
    }

    public Builder artifacts(ArtifactSpec artifacts) {
      this.artifacts = Optional.of(Checks.notNull(artifacts, "stage " + id + " artifacts"));
      return this;
    }

    public Builder environment(String name) {
      this.environment = Optional.of(Environment.named(name));
      return this;
    }

    public Builder environment(String name, Action<Environment.Builder> configure) {
      Environment.Builder b = new Environment.Builder(name);
      configure.execute(b);
      this.environment = Optional.of(b.build());
      return this;
    }

    public Builder environment(Environment environment) {
      this.environment = Optional.of(Checks.notNull(environment, "stage " + id + " environment"));
      return this;
    }

    public Builder approval(Action<Approval.Builder> configure) {
      Approval.Builder b = new Approval.Builder();
      configure.execute(b);
      this.approval = Optional.of(b.build());
      return this;
    }

    public Builder approval(Approval approval) {
      this.approval = Optional.of(Checks.notNull(approval, "stage " + id + " approval"));
      return this;
    }

    /** A failure of this stage is reported (SOFT_FAILED) but does not fail the pipeline. */
    public Builder continueOnError(boolean continueOnError) {
      this.continueOnError = continueOnError;
      if (!continueOnError) continueOnErrorExitCodes.clear();
      return this;
    }

    /**
     * Only a failure with one of these exit codes is soft (SOFT_FAILED); any other failure, or a timeout, fails the
     * pipeline — GitLab's {@code allow_failure: exit_codes}. Turns {@code continueOnError} on.
     */
    public Builder continueOnErrorExitCodes(int... exitCodes) {
      continueOnErrorExitCodes.clear();
      for (int c : exitCodes) continueOnErrorExitCodes.add(c);
      continueOnError = true;
      return this;
    }

    /**
     * Makes the stage's result reusable: when an earlier successful run of this job recorded the same
     * key (a template such as {@code tests-${{ hashFiles('src/**') }}}), the stage is not run again; its
     * outputs and log are replayed and it ends CACHED. Needs a stage memo on the executor
     * ({@code CacheManager.stageMemo()} in pipeline-cache).
     */
    public Builder memoize(String key) {
      this.memoize = Optional.of(Checks.notBlank(key, "stage " + id + " memoize key"));
      return this;
    }

    /**
     * Labels a host must have to run this stage's jobs ({@code docker}, {@code os=linux}, anything a host declares with
     * {@code PipelineExecutor.Builder.hostLabels}); with a cluster's job queue only such hosts claim them.
     */
    /**
     * A quality gate: a condition over what the stage's steps wrote ({@code outputs.coverage >= 80}, {@code outputs.failures
     * == 0}), checked once the steps have succeeded; a gate that does not hold fails the stage, naming the gate, its
     * condition and the values it read.
     */
    public Builder gate(String name, String condition) {
      gates.put(Checks.notBlank(name, "stage " + id + " gate name"), Checks.notBlank(condition, "stage " + id + " gate " + name));
      return this;
    }

    public Builder runsOn(String... labels) {
      for (String l : labels) runsOn.add(Checks.notBlank(l, "stage " + id + " runsOn label"));
      return this;
    }

    public Stage build() {
      if (strict && type.equals(SHELL) && steps.isEmpty()) {
        throw new IllegalArgumentException("stage '" + id + "' has no steps: add run(\"...\") or set a type such as maven-build");
      }
      return new Stage(id, name, List.copyOf(needs), dependencies, type, when, image, inputs, env, matrix, retry, timeout,
          resources, caches, artifacts, environment, approval, continueOnError,
          List.copyOf(continueOnErrorExitCodes), memoize, List.copyOf(outputs), steps,
          List.copyOf(runsOn), gates);
    }
  }
}
