package org.pipelinekit.core.validate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.pipelinekit.core.model.Approval;
import org.pipelinekit.core.model.Matrix;
import org.pipelinekit.core.model.Parameter;
import org.pipelinekit.core.model.ParameterType;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.core.model.Resources;
import org.pipelinekit.core.model.Stage;
import org.pipelinekit.core.model.Step;
import org.pipelinekit.core.model.Trigger;
import org.pipelinekit.core.service.CreatedPipeline;
import org.pipelinekit.core.service.PipelineService;
import org.pipelinekit.core.testing.SamplePipelines;

/** One test per problem code, each proving the path and the message. */
class PipelineValidatorTest {
  private static final Set<ProblemCode> SEEN = EnumSet.noneOf(ProblemCode.class);
  private final PipelineValidator validator = PipelineValidator.create();

  private static Pipeline.Builder draft() {
    return Pipeline.draft("p");
  }

  private static Stage shell(String id, String... needs) {
    return Stage.draft(id).needs(needs).run("echo " + id).build();
  }

  /** Validates and returns the only problem with this code, checking its path. */
  private Problem only(Pipeline p, ProblemCode code, String path) {
    ValidationResult result = validator.validate(p);
    List<Problem> matching = result.problems().stream().filter(x -> x.code() == code).toList();
    assertThat(matching).as("problems with code %s in %s", code, result).hasSize(1);
    Problem problem = matching.get(0);
    assertThat(problem.path()).isEqualTo(path);
    assertThat(problem.severity()).isEqualTo(code.severity());
    assertThat(problem.hint()).isNotBlank();
    SEEN.add(code);
    return problem;
  }

  @AfterAll
  static void everyCodeHasATest() {
    // reported by a server that knows its users, not by the validator: PipelinesApiTest.anApproverNoOneCanSignInAsIsAWarningAtItsPath
    SEEN.add(ProblemCode.APPROVER_UNKNOWN);
    assertThat(SEEN).containsExactlyInAnyOrder(ProblemCode.values());
  }

  @Test
  void upstreamTriggersThatFormACycle_areRefusedWhenTheLastOneIsSaved() {
    org.pipelinekit.core.service.PipelineService service = org.pipelinekit.core.service.PipelineService.builder().build();
    service.create(Pipeline.builder("build").trigger(org.pipelinekit.core.model.Trigger.upstream("deploy")).stage("b", s -> s.run("true")).build());
    service.create(Pipeline.builder("test").trigger(org.pipelinekit.core.model.Trigger.upstream("build")).stage("t", s -> s.run("true")).build());
    Pipeline deploy = Pipeline.builder("deploy").trigger(org.pipelinekit.core.model.Trigger.upstream("test")).stage("d", s -> s.run("true")).build();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> service.create(deploy))
        .isInstanceOf(PipelineValidationException.class)
        .satisfies(e -> {
          Problem problem = ((PipelineValidationException) e).result().problems().get(0);
          assertThat(problem.code()).isEqualTo(ProblemCode.UPSTREAM_CYCLE);
          assertThat(problem.path()).isEqualTo("triggers[0].upstream.pipeline");
          assertThat(problem.message()).isEqualTo("the upstream triggers form a cycle: deploy runs after test runs after build runs after deploy");
          assertThat(problem.hint()).isNotBlank();
          SEEN.add(problem.code());
        });
    assertThat(service.get("deploy")).as("nothing was saved").isEmpty();
  }

  @Test
  void validate_acceptsTheDesignExample() {
    ValidationResult result = validator.validate(SamplePipelines.javaCi());
    assertThat(result.problems()).isEmpty();
    assertThat(result.isValid()).isTrue();
  }

  @Test
  void validate_reportsMalformedPipelineId() {
    Problem p = only(Pipeline.draft("My Pipeline").stage(shell("a")).build(), ProblemCode.PIPELINE_ID_INVALID, "id");
    assertThat(p.message()).contains("'My Pipeline'");
    assertThat(p.hint()).contains("my-pipeline");
  }

  @Test
  void validate_reportsEmptyPipeline() {
    Problem p = only(draft().build(), ProblemCode.PIPELINE_EMPTY, "stages");
    assertThat(p.message()).isEqualTo("the pipeline has no stages");
  }

  @Test
  void validate_reportsAnArtifactNameThatClimbsOut_beforeAnyRun() {
    Problem p = only(draft().stage(Stage.draft("a").run("echo").artifacts(x -> x.name("../evil").path("x")).build()).build(),
        ProblemCode.ARTIFACT_NAME_INVALID, "stages.a.artifacts.name");
    assertThat(p.message()).isEqualTo("artifact name '../evil' is refused: it climbs out with ..");
    assertThat(validator.validate(draft().stage(Stage.draft("a").run("echo").artifacts(x -> x.name("line\nbreak").path("x")).build())
        .build()).errors()).extracting(Problem::code).containsExactly(ProblemCode.ARTIFACT_NAME_INVALID);
    assertThat(validator.validate(draft().stage(Stage.draft("a").run("echo").artifacts(x -> x.name("app-${{ branch }}").path("x")).build())
        .build()).problems()).isEmpty();
  }

  @Test
  void validate_refusesSecretsInArtifactNamesAndCacheKeys() {
    Problem p = only(draft().stage(Stage.draft("a").run("echo").artifacts(x -> x.name("app-${{ secrets.TOKEN }}").path("x")).build()).build(),
        ProblemCode.SECRET_IN_NAME, "stages.a.artifacts.name");
    assertThat(p.message()).contains("plain text").doesNotContain("TOKEN'");
    assertThat(validator.validate(draft().stage(Stage.draft("a").run("echo").cache(c -> c.key("deps-${{ secrets.KEY }}").path("vendor"))
        .build()).build()).errors()).extracting(Problem::path).containsExactly("stages.a.cache.key");
    assertThat(validator.validate(draft().stage(Stage.draft("a").run("echo ${{ secrets.TOKEN }}").build()).build()).problems()).isEmpty();
  }

  @Test
  void validate_withTheStoresSecretNames_reportsAnUnknownSecret() {
    PipelineValidator knowing = PipelineValidator.builder().secretNames(() -> Set.of("DEPLOY_TOKEN")).build();
    Pipeline p = draft().stage(Stage.draft("a").run("deploy ${{ secrets.DEPLOY_TOKEN }} ${{ secrets.DEPLOY_TOKN }}").build()).build();
    List<Problem> problems = knowing.validate(p).errors();
    assertThat(problems).singleElement().satisfies(x -> {
      assertThat(x.code()).isEqualTo(ProblemCode.SECRET_UNKNOWN);
      assertThat(x.path()).isEqualTo("stages.a.steps[0].run");
      assertThat(x.message()).contains("no secret 'DEPLOY_TOKN'").contains("did you mean 'DEPLOY_TOKEN'");
      assertThat(x.hint()).contains("pipelinekit secrets set DEPLOY_TOKN");
    });
    SEEN.add(ProblemCode.SECRET_UNKNOWN);
    assertThat(validator.validate(p).problems()).as("without a store's names, secrets are not checked").isEmpty();
  }

  @Test
  void validate_reportsADependencyTheStageDoesNotNeed_andAStepConditionThatCannotBeParsed() {
    Pipeline p = draft().stage(shell("build")).stage(shell("lint"))
        .stage(Stage.draft("test").needs("build").dependencies("build", "lint").run("echo").build()).build();
    Problem d = only(p, ProblemCode.DEPENDENCY_NOT_NEEDED, "stages.test.dependencies[1]");
    assertThat(d.message()).isEqualTo("stage 'test' takes the files of 'lint', which it does not need, so they may not exist when it starts");
    assertThat(d.hint()).isEqualTo("add 'lint' to needs, or remove it from dependencies");
    Pipeline ok = draft().stage(shell("build")).stage(Stage.draft("pkg").needs("build").run("echo").build())
        .stage(Stage.draft("test").needs("pkg").dependencies("build").run("echo").build()).build();
    assertThat(validator.validate(ok).problems()).as("a stage needed through another counts").isEmpty();
    Pipeline bad = draft().stage(Stage.draft("a").step(st -> st.run("echo").when("failure( &&")).build()).build();
    assertThat(validator.validate(bad).errors()).extracting(Problem::path).containsExactly("stages.a.steps[0].when");
  }

  @Test
  void validate_reportsMalformedStageId() {
    Problem p = only(draft().stage(shell("Build_It")).build(), ProblemCode.STAGE_ID_INVALID, "stages[0].id");
    assertThat(p.message()).contains("'Build_It'");
    assertThat(p.hint()).contains("build_it");
  }

  @Test
  void validate_reportsDuplicateStageIdWithBothPositions() {
    Problem p = only(draft().stage(shell("a")).stage(shell("b")).stage(shell("a")).build(), ProblemCode.STAGE_ID_DUPLICATE, "stages[2].id");
    assertThat(p.message()).isEqualTo("stage id 'a' is already used by stages[0]");
  }

  @Test
  void validate_reportsUnknownNeedWithSuggestion() {
    Problem p = only(draft().stage(shell("build")).stage(shell("test", "biuld")).build(), ProblemCode.NEEDS_UNKNOWN, "stages.test.needs[0]");
    assertThat(p.message()).isEqualTo("stage 'test' needs 'biuld', which is not a stage; did you mean 'build'?");
  }

  @Test
  void validate_reportsCycleWithPath() {
    Pipeline p = draft().stage(shell("build", "test")).stage(shell("test", "build")).stage(shell("deploy", "test")).build();
    Problem problem = only(p, ProblemCode.CYCLE, "stages.build.needs[0]");
    assertThat(problem.message()).isEqualTo("the needs form a cycle: build → test → build");
  }

  @Test
  void validate_reportsSelfNeedAsCycle() {
    Pipeline p = draft().stage(Stage.draft("loop").needs("loop").run("x").build()).build();
    Problem problem = only(p, ProblemCode.CYCLE, "stages.loop.needs[0]");
    assertThat(problem.message()).isEqualTo("the needs form a cycle: loop → loop");
  }

  @Test
  void validate_reportsUnknownStageType() {
    Pipeline p = draft().stage(Stage.draft("b").type("maven-buidl").build()).build();
    Problem problem = only(p, ProblemCode.STAGE_TYPE_UNKNOWN, "stages.b.type");
    assertThat(problem.message()).isEqualTo("stage type 'maven-buidl' is not known; did you mean 'maven-build'?");
  }

  @Test
  void validate_reportsUnknownInput() {
    Pipeline p = draft().stage(Stage.draft("b").type("maven-build").with("goal", "package").build()).build();
    Problem problem = only(p, ProblemCode.INPUT_UNKNOWN, "stages.b.with.goal");
    assertThat(problem.message()).isEqualTo("stage type 'maven-build' has no input 'goal'; did you mean 'goals'?");
    assertThat(problem.hint()).contains("goals", "jdk");
  }

  @Test
  void validate_reportsMissingRequiredInput() {
    Pipeline p = draft().stage(Stage.draft("clone").type("git-clone").build()).build();
    Problem problem = only(p, ProblemCode.INPUT_MISSING, "stages.clone.with.repository");
    assertThat(problem.message()).isEqualTo("stage type 'git-clone' requires input 'repository'");
  }

  @Test
  void validate_reportsMistypedInputsAtTheirPath() {
    Pipeline p = draft().stage(Stage.draft("t").type("unit-tests").with("command", "make test")
        .with("coverage_threshold", "eighty").build()).build();
    Problem problem = only(p, ProblemCode.INPUT_INVALID, "stages.t.with.coverage_threshold");
    assertThat(problem.message()).isEqualTo("coverage_threshold must be a number, got 'eighty'");
  }

  @Test
  void validate_checksNestedInputSchemas() {
    Pipeline p = draft().stage(Stage.draft("it").type("integration-tests").with("test_command", "make it")
        .with("services", List.of(Map.of("name", "db"))).build()).build();
    ValidationResult result = validator.validate(p);
    assertThat(result.problems()).extracting(Problem::path).containsExactly("stages.it.with.services[0].image");
    assertThat(result.problems().get(0).message()).isEqualTo("services[0].image is required");
  }

  @Test
  void validate_acceptsExpressionsForTypedInputs() {
    Pipeline p = Pipeline.builder("p").parameter("threshold", b -> b.type(ParameterType.NUMBER).defaultValue(80))
        .stage("t", s -> s.type("unit-tests").with("command", "make").with("coverage_threshold", "${{ params.threshold }}"))
        .build();
    assertThat(validator.validate(p).problems()).isEmpty();
  }

  @Test
  void validate_reportsShellStageWithoutSteps() {
    Problem problem = only(draft().stage(Stage.draft("empty").build()).build(), ProblemCode.STEPS_MISSING, "stages.empty.steps");
    assertThat(problem.message()).isEqualTo("shell stage 'empty' has no steps");
  }

  @Test
  void validate_reportsStepsOnTypedStage() {
    Pipeline p = draft().stage(Stage.draft("b").type("maven-build").run("echo extra").build()).build();
    Problem problem = only(p, ProblemCode.STEPS_NOT_ALLOWED, "stages.b.steps");
    assertThat(problem.message()).contains("'maven-build' makes its own steps");
  }

  @Test
  void validate_reportsExpressionSyntaxWithColumn() {
    Pipeline p = draft().stage(Stage.draft("a").when("branch == 'main' &&").run("x").build()).build();
    Problem problem = only(p, ProblemCode.EXPRESSION_INVALID, "stages.a.when");
    assertThat(problem.message()).isEqualTo("expression ends where a value was expected at column 20 of `branch == 'main' &&`");
  }

  @Test
  void validate_readsQualityGatesAsConditionsOverTheStepsOutputs() {
    Pipeline ok = draft().stage(Stage.draft("a").run("x").gate("coverage", "outputs.coverage >= 80").build()).build();
    assertThat(validator.validate(ok).problems()).isEmpty();
    Pipeline broken = draft().stage(Stage.draft("a").run("x").gate("coverage", "outputs.coverage >=").build()).build();
    assertThat(only(broken, ProblemCode.EXPRESSION_INVALID, "stages.a.gates.coverage").message()).contains("outputs.coverage >=");
    Pipeline baseline = draft().stage(Stage.draft("a").run("x").gate("drop", "minus(baseline.outputs.coverage, outputs.coverage) <= 1")
        .build()).build();
    assertThat(validator.validate(baseline).problems()).isEmpty();
    Pipeline baselineInAStep = draft().stage(Stage.draft("a").run("echo ${{ baseline.outputs.coverage }}").build()).build();
    assertThat(validator.validate(baselineInAStep).problems()).extracting(Problem::message)
        .anyMatch(m -> m.startsWith("baseline outputs are known only in a stage's gates"));
    Pipeline wrongAxis = draft().stage(Stage.draft("a").run("x").gate("os", "matrix.os == 'linux'").build()).build();
    assertThat(validator.validate(wrongAxis).problems()).extracting(Problem::path).contains("stages.a.gates.os");
  }

  @Test
  void validate_reportsUnclosedTemplateInStep() {
    Pipeline p = draft().stage(Stage.draft("a").run("echo ${{ branch").build()).build();
    Problem problem = only(p, ProblemCode.EXPRESSION_INVALID, "stages.a.steps[0].run");
    assertThat(problem.message()).isEqualTo("'${{' is not closed with '}}' at column 6 of `echo ${{ branch`");
  }

  @Test
  void validate_reportsUnknownFunction() {
    Pipeline p = draft().stage(Stage.draft("a").when("sucess()").run("x").build()).build();
    Problem problem = only(p, ProblemCode.FUNCTION_INVALID, "stages.a.when");
    assertThat(problem.message()).isEqualTo("unknown function sucess() at column 1 of `sucess()`; did you mean 'success'?");
  }

  @Test
  void validate_reportsWrongArgumentCount() {
    Pipeline p = draft().stage(Stage.draft("a").run("echo ${{ contains('a') }}").build()).build();
    Problem problem = only(p, ProblemCode.FUNCTION_INVALID, "stages.a.steps[0].run");
    assertThat(problem.message()).startsWith("contains() takes 2 arguments, got 1 at column 10");
  }

  @Test
  void validate_reportsUnknownContext() {
    Pipeline p = draft().stage(Stage.draft("a").when("brnch == 'main'").run("x").build()).build();
    Problem problem = only(p, ProblemCode.REFERENCE_UNKNOWN, "stages.a.when");
    assertThat(problem.message()).isEqualTo("'brnch' is not something an expression can read at column 1 of `brnch == 'main'`;"
        + " did you mean 'branch'?");
  }

  @Test
  void validate_reportsMalformedStageReference() {
    Pipeline p = draft().stage(shell("a")).stage(Stage.draft("b").needs("a").run("echo ${{ stages.a.version }}").build()).build();
    Problem problem = only(p, ProblemCode.REFERENCE_INVALID, "stages.b.steps[0].run");
    assertThat(problem.message()).isEqualTo("`stages.a.version` is not a stage value at column 10 of `stages.a.version`");
  }

  @Test
  void validate_reportsReferenceToUnknownStage() {
    Pipeline p = draft().stage(shell("build")).stage(Stage.draft("b").needs("build")
        .run("echo ${{ stages.biuld.outputs.x }}").build()).build();
    Problem problem = only(p, ProblemCode.REFERENCE_UNKNOWN_STAGE, "stages.b.steps[0].run");
    assertThat(problem.message()).isEqualTo("stage 'biuld' does not exist at column 10 of `stages.biuld.outputs.x`; did you mean 'build'?");
  }

  @Test
  void validate_reportsReferenceToStageNotUpstream() {
    Pipeline p = draft()
        .stage(Stage.draft("build").type("maven-build").build())
        .stage(shell("lint"))
        .stage(Stage.draft("deploy").needs("lint").run("./deploy ${{ stages.build.outputs.version }}").build())
        .build();
    Problem problem = only(p, ProblemCode.REFERENCE_NOT_UPSTREAM, "stages.deploy.steps[0].run");
    assertThat(problem.message()).isEqualTo("stage 'build' does not run before 'deploy' at column 14 of `stages.build.outputs.version`");
    assertThat(problem.hint()).isEqualTo("add 'build' to the needs of 'deploy'");
  }

  @Test
  void validate_acceptsReferenceToTransitiveUpstream() {
    Pipeline p = draft()
        .stage(Stage.draft("build").type("maven-build").build())
        .stage(shell("test", "build"))
        .stage(Stage.draft("deploy").needs("test").run("./deploy ${{ stages.build.outputs.version }}").build())
        .build();
    assertThat(validator.validate(p).problems()).isEmpty();
  }

  @Test
  void validate_reportsUndeclaredOutput() {
    Pipeline p = draft()
        .stage(Stage.draft("build").type("maven-build").build())
        .stage(Stage.draft("deploy").needs("build").when("stages.build.outputs.verison != ''").run("x").build())
        .build();
    Problem problem = only(p, ProblemCode.REFERENCE_UNKNOWN_OUTPUT, "stages.deploy.when");
    assertThat(problem.message()).isEqualTo("stage 'build' (maven-build) has no output 'verison' at column 1 of"
        + " `stages.build.outputs.verison != ''`; did you mean 'version'?");
  }

  @Test
  void validate_acceptsOutputsAShellStageDeclares() {
    Pipeline p = draft()
        .stage(Stage.draft("build").run("echo version=1 >> $PIPELINE_OUTPUT").outputs("version").build())
        .stage(Stage.draft("deploy").needs("build").run("./deploy ${{ stages.build.outputs.version }}").build())
        .build();
    assertThat(validator.validate(p).problems()).isEmpty();
  }

  @Test
  void validate_reportsUndeclaredParameter() {
    Pipeline p = Pipeline.draft("p").parameter(Parameter.string("target"))
        .stage(Stage.draft("a").env("T", "${{ params.traget }}").run("x").build()).build();
    Problem problem = only(p, ProblemCode.REFERENCE_UNKNOWN_PARAMETER, "stages.a.env.T");
    assertThat(problem.message()).isEqualTo("parameter 'traget' is not declared at column 5 of `params.traget`; did you mean 'target'?");
  }

  @Test
  void validate_reportsUnknownMatrixAxis() {
    Pipeline p = draft().stage(Stage.draft("t").matrix(m -> m.axis("jdk", "17", "21")).run("use ${{ matrix.java }}").build()).build();
    Problem problem = only(p, ProblemCode.REFERENCE_UNKNOWN_MATRIX, "stages.t.steps[0].run");
    assertThat(problem.message()).isEqualTo("the matrix has no axis 'java' at column 9 of `matrix.java`");
  }

  @Test
  void validate_reportsStageValuesAtPipelineLevel() {
    Pipeline p = draft().concurrency("deploy-${{ stages.a.result }}", true).stage(shell("a")).build();
    Problem problem = only(p, ProblemCode.REFERENCE_NOT_AVAILABLE, "concurrency.group");
    assertThat(problem.message()).isEqualTo("stage values are not known here at column 12 of `stages.a.result`");
  }

  @Test
  void validate_stepOutputsAreReadOnlyInSteps() {
    Pipeline ok = draft().stage(Stage.draft("a").run("echo v=1 >> $PIPELINE_OUTPUT").step(st -> st.run("echo ${{ outputs.v }}")
        .env("V", "${{ outputs.v }}")).build()).build();
    assertThat(validator.validate(ok).problems()).isEmpty();
    Pipeline inStage = draft().stage(Stage.draft("a").env("V", "${{ outputs.v }}").run("echo").build()).build();
    Problem problem = only(inStage, ProblemCode.REFERENCE_NOT_AVAILABLE, "stages.a.env.V");
    assertThat(problem.message()).isEqualTo("outputs of earlier steps are known only in a stage's steps at column 5 of `outputs.v`");
    assertThat(problem.hint()).contains("another stage reads stages.<id>.outputs.<name>");
    only(draft().stage(Stage.draft("a").run("echo ${{ outputs }}").build()).build(), ProblemCode.REFERENCE_INVALID, "stages.a.steps[0].run");
  }

  @Test
  void validate_reportsResourcesOverLimit() {
    PipelineValidator limited = PipelineValidator.builder().limits(ValidationLimits.of("4", "8Gi")).build();
    Pipeline p = draft().stage(Stage.draft("big").resources("8", "4Gi").run("x").build()).build();
    List<Problem> problems = limited.validate(p).problems();
    assertThat(problems).hasSize(1);
    Problem problem = problems.get(0);
    assertThat(problem.code()).isEqualTo(ProblemCode.RESOURCES_OVER_LIMIT);
    assertThat(problem.path()).isEqualTo("stages.big.resources.cpu");
    assertThat(problem.message()).isEqualTo("asks for 8 CPU, more than the limit of 4");
    SEEN.add(ProblemCode.RESOURCES_OVER_LIMIT);
  }

  @Test
  void validate_reportsMemoryOverLimitInDefaults() {
    PipelineValidator limited = PipelineValidator.builder().limits(ValidationLimits.of("4", "8Gi")).build();
    Pipeline p = draft().defaults(d -> d.resources(new Resources(Optional.empty(), Optional.of(Resources.parseMemory("16Gi")))))
        .stage(shell("a")).build();
    assertThat(limited.validate(p).problems()).singleElement().satisfies(problem -> {
      assertThat(problem.path()).isEqualTo("defaults.resources.memory");
      assertThat(problem.message()).isEqualTo("asks for 16Gi of memory, more than the limit of 8Gi");
    });
  }

  @Test
  void validate_reportsMatrixOverCap() {
    Pipeline p = draft().stage(Stage.draft("t").matrix(m -> m.axis("a", "1", "2", "3", "4").axis("b", "1", "2", "3", "4")
        .axis("c", "1", "2", "3", "4").axis("d", "1", "2", "3", "4", "5")).run("x").build()).build();
    Problem problem = only(p, ProblemCode.MATRIX_TOO_LARGE, "stages.t.matrix");
    assertThat(problem.message()).isEqualTo("the matrix expands to 320 combinations, more than the limit of 256");
  }

  @Test
  void validate_countsExcludesBeforeComparingWithTheCap() {
    PipelineValidator capped = PipelineValidator.builder().limits(ValidationLimits.DEFAULTS.withMaxMatrixCombinations(3)).build();
    Pipeline p = draft().stage(Stage.draft("t").matrix(m -> m.axis("a", "1", "2").axis("b", "x", "y")
        .exclude(Map.of("a", "1", "b", "x"))).run("x").build()).build();
    assertThat(capped.validate(p).problems()).isEmpty();
  }

  @Test
  void validate_reportsExcludeOfUnknownAxis() {
    Matrix m = new Matrix(Map.of("jdk", List.of("17")), List.of(), List.of(Map.of("os", "win")), true, Optional.empty());
    Pipeline p = draft().stage(Stage.draft("t").matrix(m).run("x").build()).build();
    Problem problem = only(p, ProblemCode.MATRIX_INVALID, "stages.t.matrix.exclude[0].os");
    assertThat(problem.message()).isEqualTo("exclude names 'os', which is not an axis");
  }

  @Test
  void validate_reportsBadCron() {
    Pipeline p = draft().trigger(Trigger.schedule("0 25 * * *")).stage(shell("a")).build();
    Problem problem = only(p, ProblemCode.CRON_INVALID, "triggers[0].schedule.cron");
    assertThat(problem.message()).isEqualTo("cron '0 25 * * *': hour 25 is outside 0-23");
  }

  @Test
  void validate_reportsBadTimezone() {
    Pipeline p = draft().trigger(new Trigger.Schedule("@daily", Optional.of("Mars/Olympus"))).stage(shell("a")).build();
    ValidationResult result = validator.validate(p);
    assertThat(result.problems()).singleElement().satisfies(problem -> {
      assertThat(problem.path()).isEqualTo("triggers[0].schedule.timezone");
      assertThat(problem.message()).isEqualTo("'Mars/Olympus' is not a time zone");
    });
  }

  @Test
  void validate_reportsBadUpstreamTrigger() {
    Pipeline p = draft().trigger(Trigger.upstream("Other Pipeline")).stage(shell("a")).build();
    Problem problem = only(p, ProblemCode.TRIGGER_INVALID, "triggers[0].upstream.pipeline");
    assertThat(problem.message()).isEqualTo("'Other Pipeline' is not a pipeline id");
  }

  @Test
  void validate_reportsDuplicateParameter() {
    Pipeline p = draft().parameter(Parameter.string("x")).parameter(Parameter.string("x")).stage(shell("a")).build();
    Problem problem = only(p, ProblemCode.PARAMETER_DUPLICATE, "parameters[1].name");
    assertThat(problem.message()).isEqualTo("parameter 'x' is declared twice");
  }

  @Test
  void validate_warnsWhenStageTimeoutExceedsPipeline() {
    Pipeline p = draft().timeout(Duration.ofMinutes(10)).stage(Stage.draft("slow").timeout(Duration.ofMinutes(30)).run("x").build()).build();
    Problem problem = only(p, ProblemCode.TIMEOUT_EXCEEDS_PIPELINE, "stages.slow.timeout");
    assertThat(problem.message()).isEqualTo("the stage may run 30m but the whole pipeline only 10m");
    assertThat(validator.validate(p).isValid()).isTrue();
  }

  @Test
  void validate_warnsAboutApprovalWithoutApprovers() {
    Pipeline p = draft().stage(Stage.draft("gate").approval(new Approval(List.of(), 1, Optional.empty())).run("x").build()).build();
    Problem problem = only(p, ProblemCode.APPROVAL_WITHOUT_APPROVERS, "stages.gate.approval.approvers");
    assertThat(problem.message()).isEqualTo("the approval gate names no approvers");
  }

  @Test
  void create_warnsAboutNeedsImpliedByOthers() {
    Pipeline p = Pipeline.builder("p").stage("a", s -> s.run("x")).stage("b", s -> s.needs("a").run("x"))
        .stage("c", s -> s.needs("a", "b").run("x")).build();
    CreatedPipeline created = PipelineService.builder().build().create(p);
    assertThat(created.warnings()).singleElement().satisfies(problem -> {
      assertThat(problem.code()).isEqualTo(ProblemCode.NEEDS_REDUNDANT);
      assertThat(problem.severity()).isEqualTo(Severity.WARNING);
      assertThat(problem.path()).isEqualTo("stages.c.needs[0]");
      assertThat(problem.message()).isEqualTo("stage 'c' needs 'a', which another of its needs already waits for");
    });
    SEEN.add(ProblemCode.NEEDS_REDUNDANT);
  }

  @Test
  void validate_reportsEveryProblemAtOnceInPassOrder() {
    Pipeline p = Pipeline.draft("Bad Id")
        .trigger(Trigger.schedule("nope"))
        .stage(Stage.draft("a").type("nope").build())
        .stage(Stage.draft("b").needs("c", "zzz").run("echo ${{ stages.a.outputs.x }}").build())
        .stage(Stage.draft("c").needs("b").run("x").build())
        .build();
    ValidationResult result = validator.validate(p);
    assertThat(result.problems()).extracting(Problem::code).containsExactly(
        ProblemCode.PIPELINE_ID_INVALID, ProblemCode.CRON_INVALID, ProblemCode.STAGE_TYPE_UNKNOWN,
        ProblemCode.NEEDS_UNKNOWN, ProblemCode.CYCLE, ProblemCode.REFERENCE_NOT_UPSTREAM);
    assertThatThrownBy(result::orThrow).isInstanceOf(PipelineValidationException.class)
        .hasMessageStartingWith("the pipeline has 6 errors:")
        .hasMessageContaining("stages.b.needs[1]: stage 'b' needs 'zzz'");
  }

  @Test
  void problem_stageIdReadsThePath() {
    assertThat(Problem.of(ProblemCode.CYCLE, "stages.build.needs[0]", "m", "h").stageId()).contains("build");
    assertThat(Problem.of(ProblemCode.CYCLE, "stages.build", "m", "h").stageId()).contains("build");
    assertThat(Problem.of(ProblemCode.CRON_INVALID, "triggers[0]", "m", "h").stageId()).isEmpty();
  }

  @Test
  void validate_neverPutsSecretValuesInMessages() {
    Pipeline p = draft().stage(Stage.draft("n").type("slack").with("webhook_url", "${{ secrets.SLACK }}").with("message", 42).build()).build();
    ValidationResult result = validator.validate(p);
    assertThat(result.problems()).singleElement().satisfies(problem -> assertThat(problem.path()).isEqualTo("stages.n.with.message"));
    assertThat(result.toString()).doesNotContain("secrets.SLACK");
  }

  @Test
  void steps_arePartOfTheChecks() {
    Stage s = Stage.draft("a").step(new Step(Optional.of("x"), "echo ${{ params.nope }}", Map.of("K", "${{ env.HOME }}"),
        Optional.of("${{ matrix.dir }}"), Optional.empty())).build();
    ValidationResult result = validator.validate(draft().stage(s).build());
    assertThat(result.problems()).extracting(Problem::path)
        .containsExactly("stages.a.steps[0].run", "stages.a.steps[0].workingDirectory");
  }
}
