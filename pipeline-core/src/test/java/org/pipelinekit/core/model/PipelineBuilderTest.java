package org.pipelinekit.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.pipelinekit.core.testing.SamplePipelines;

class PipelineBuilderTest {

  @Test
  void builder_reachesEveryPartOfTheModel() {
    Pipeline p = SamplePipelines.javaCi();
    assertThat(p.parameters()).singleElement().satisfies(x -> assertThat(x.options()).containsExactly("staging", "production"));
    assertThat(p.triggers()).extracting(Trigger::kind).containsExactly("push", "schedule", "manual");
    assertThat(p.defaults().retry()).contains(RetryPolicy.of(1));
    assertThat(p.concurrency().orElseThrow().cancelInProgress()).isTrue();
    Stage test = p.stage("test").orElseThrow();
    assertThat(test.resources().orElseThrow().cpuMillicores()).contains(2000L);
    assertThat(test.resources().orElseThrow().memoryBytes()).contains(4L << 30);
    assertThat(test.inputs()).containsEntry("coverage_threshold", 80L);
    assertThat(test.retry().orElseThrow().on()).containsExactly(RetryOn.EXIT_CODE);
    Stage deploy = p.stage("deploy").orElseThrow();
    assertThat(deploy.environment().orElseThrow().protection().orElseThrow().branches()).containsExactly("main");
    assertThat(deploy.approval().orElseThrow().timeout()).contains(Duration.ofHours(24));
    assertThat(deploy.steps()).extracting(Step::label).containsExactly("deploy", "echo done");
    assertThat(deploy.caches().get(0).scope()).isEqualTo(CacheScope.PROJECT);
  }

  @Test
  void toBuilder_copiesAndChangesOnlyWhatIsSet() {
    Pipeline p = SamplePipelines.javaCi();
    assertThat(p.toBuilder().build()).isEqualTo(p);
    Pipeline renamed = p.toBuilder().name("Other").build();
    assertThat(renamed.name()).contains("Other");
    assertThat(renamed.stages()).isEqualTo(p.stages());
    Stage build = p.stage("build").orElseThrow();
    assertThat(build.toBuilder().build()).isEqualTo(build);
    assertThat(build.toBuilder().timeout(Duration.ofMinutes(5)).build().timeout()).contains(Duration.ofMinutes(5));
  }

  @Test
  void builder_refusesMalformedIdsNamingThem() {
    assertThatThrownBy(() -> Pipeline.builder("My CI")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("pipeline id 'My CI' is not a valid id: use lower-case letters, digits, _ and -, starting with a letter"
            + " or digit, at most 100 characters (for example 'my-ci')");
    assertThatThrownBy(() -> Pipeline.builder("ci").stage("Build!", s -> s.run("x")))
        .hasMessageStartingWith("stage id 'Build!' is not a valid id");
  }

  @Test
  void builder_refusesDuplicateStagesAndUnknownNeeds() {
    assertThatThrownBy(() -> Pipeline.builder("ci").stage("a", s -> s.run("x")).stage("a", s -> s.run("y")))
        .hasMessage("stage 'a' is already defined; stage ids must be unique");
    assertThatThrownBy(() -> Pipeline.builder("ci").stage("a", s -> s.needs("b").run("x")).build())
        .hasMessage("stage 'a' needs 'b', which is not a stage of pipeline 'ci'; stages are [a]");
    assertThatThrownBy(() -> Pipeline.builder("ci").stage("a", s -> s.needs("a").run("x")))
        .hasMessage("stage 'a' cannot need itself");
  }

  @Test
  void builder_refusesShellStageWithoutSteps() {
    assertThatThrownBy(() -> Pipeline.builder("ci").stage("a", s -> s.name("A")))
        .hasMessage("stage 'a' has no steps: add run(\"...\") or set a type such as maven-build");
  }

  @Test
  void setters_checkTheirArgument() {
    Stage.Builder s = Stage.builder("a");
    assertThatThrownBy(() -> s.timeout(Duration.ZERO)).hasMessage("stage a timeout must be longer than zero, got 0s");
    assertThatThrownBy(() -> s.resources("lots", "1Gi"))
        .hasMessage("'lots' is not a CPU amount; write cores (2, 0.5) or millicores (500m)");
    assertThatThrownBy(() -> s.resources("1", "1 gig")).hasMessage("'1 gig' is not a memory size; write it like 512Mi, 4Gi or 1G");
    assertThatThrownBy(() -> s.with("x", new Object())).hasMessageStartingWith("stages.a.with.x has a value of type java.lang.Object");
    assertThatThrownBy(() -> s.with("x", Double.NaN)).hasMessage("stages.a.with.x must be a finite number, got NaN");
    assertThatThrownBy(() -> s.matrix(m -> m.axis("jdk"))).hasMessage("matrix axis 'jdk' needs at least one value");
    assertThatThrownBy(() -> s.matrix(m -> { })).hasMessage("a matrix needs at least one axis or include entry");
    assertThatThrownBy(() -> s.retry(r -> r.limit(-1))).hasMessage("retry limit must be zero or more, got -1");
    assertThatThrownBy(() -> s.retry(r -> r.on(RetryOn.TIMEOUT).exitCodes(137)))
        .hasMessage("retry exitCodes [137] are set but retry on [TIMEOUT] does not include exit-code");
    assertThatThrownBy(() -> s.retry(r -> r.backoff(Duration.ofSeconds(10), 0.5, Duration.ofSeconds(20))))
        .hasMessage("backoff factor must be 1 or more, got 0.5");
    assertThatThrownBy(() -> s.cache(c -> c.path("x"))).hasMessageStartingWith("a cache needs a key");
    assertThatThrownBy(() -> s.cache(c -> c.key("k"))).hasMessage("cache 'k' needs at least one path");
    assertThatThrownBy(() -> s.artifacts(a -> { })).hasMessage("artifacts need at least one path, e.g. target/*.jar");
    assertThatThrownBy(() -> s.approval(a -> a.required(0))).hasMessage("approval required must be 1 or more, got 0");
    assertThatThrownBy(() -> Pipeline.builder("ci").parameter("env", x -> x.choice("a", "b").defaultValue("c")))
        .hasMessage("default of parameter 'env' must be one of [a, b], got c");
  }

  @Test
  void inputsAreNormalizedAndImmutable() {
    Stage s = Stage.builder("a").type("x").with("n", 3).with("f", 1.5f).with("list", List.of(1, "two"))
        .with("map", Map.of("k", (short) 2)).build();
    assertThat(s.inputs().get("n")).isEqualTo(3L);
    assertThat(s.inputs().get("f")).isEqualTo(1.5);
    assertThat(s.inputs().get("list")).isEqualTo(List.of(1L, "two"));
    assertThat(s.inputs().get("map")).isEqualTo(Map.of("k", 2L));
    assertThatThrownBy(() -> s.inputs().put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void backoff_growsExponentiallyUpToItsCap() {
    Backoff b = new Backoff(Duration.ofSeconds(1), 2, Duration.ofSeconds(30));
    assertThat(List.of(b.delay(1), b.delay(2), b.delay(3), b.delay(5), b.delay(6), b.delay(60))).containsExactly(
        Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4), Duration.ofSeconds(16), Duration.ofSeconds(30),
        Duration.ofSeconds(30));
  }

  @Test
  void retryPolicy_decidesWhichFailuresToRetry() {
    RetryPolicy p = new RetryPolicy.Builder().limit(2).on(RetryOn.EXIT_CODE).exitCodes(137).build();
    assertThat(p.retries(RetryOn.EXIT_CODE, 137, 1)).isTrue();
    assertThat(p.retries(RetryOn.EXIT_CODE, 137, 2)).isTrue();
    assertThat(p.retries(RetryOn.EXIT_CODE, 137, 3)).isFalse();
    assertThat(p.retries(RetryOn.EXIT_CODE, 1, 1)).isFalse();
    assertThat(p.retries(RetryOn.TIMEOUT, 0, 1)).isFalse();
    assertThat(RetryPolicy.of(1).retries(RetryOn.RUNNER_ERROR, -1, 1)).isTrue();
  }

  @Test
  void ids_slugFreeText() {
    assertThat(Ids.slug("Build & Test")).isEqualTo("build-test");
    assertThat(Ids.isValid(Ids.slug("!!!"))).isTrue();
  }
}
