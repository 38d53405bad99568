package org.pipelinekit.core.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pipelinekit.core.format.PipelineFormat;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.core.model.Stage;
import org.pipelinekit.core.plan.DurationEstimates;
import org.pipelinekit.core.plan.ExecutionPlan;
import org.pipelinekit.core.plan.ExecutionPlanner;
import org.pipelinekit.core.store.FilePipelineStore;
import org.pipelinekit.core.testing.SamplePipelines;
import org.pipelinekit.core.validate.PipelineValidationException;
import org.pipelinekit.core.validate.ProblemCode;

class PipelineServiceTest {
  @TempDir
  Path dir;

  @Test
  void create_validatesPlansAndSaves() {
    PipelineService service = PipelineService.builder().store(new FilePipelineStore(dir)).build();
    CreatedPipeline created = service.create(SamplePipelines.javaCi());
    assertThat(created.pipeline().version()).isEqualTo(1);
    assertThat(created.plan().order()).containsExactly("checkout", "build", "test", "deploy");
    assertThat(created.plan().stage("test").orElseThrow().cells()).hasSize(2);
    assertThat(created.warnings()).isEmpty();
    assertThat(service.get("java-ci")).contains(created.pipeline());
  }

  @Test
  void create_refusesInvalidPipelinesAndSavesNothing() {
    PipelineService service = PipelineService.builder().build();
    Pipeline bad = Pipeline.draft("ci").stage(Stage.draft("a").needs("b").run("x").build())
        .stage(Stage.draft("b").needs("a").run("x").build()).build();
    assertThatThrownBy(() -> service.create(bad)).isInstanceOfSatisfying(PipelineValidationException.class,
        e -> assertThat(e.result().errors()).extracting(p -> p.code()).containsExactly(ProblemCode.CYCLE));
    assertThat(service.list()).isEmpty();
  }

  @Test
  void update_needsTheStoredRevision() {
    PipelineService service = PipelineService.builder().build();
    Pipeline p = service.create(SamplePipelines.javaCi()).pipeline();
    Pipeline changed = p.toBuilder().name("Renamed").build();
    assertThat(service.update(changed, 1).pipeline().version()).isEqualTo(2);
    assertThatThrownBy(() -> service.update(changed, 1)).hasMessageContaining("the stored revision is 2, yours is 1");
    assertThatThrownBy(() -> service.create(changed)).hasMessageContaining("already exists");
    assertThatThrownBy(() -> service.update(changed, 0)).hasMessageContaining("use create for a new pipeline");
  }

  @Test
  void exportAndImport_areInverse() {
    PipelineService service = PipelineService.builder().build();
    Pipeline p = SamplePipelines.javaCi();
    String yaml = service.exportAsCode(p, PipelineFormat.YAML);
    assertThat(service.importPipeline(yaml, PipelineFormat.YAML)).isEqualTo(p);
    assertThat(service.exportAsCode(p, PipelineFormat.HCL)).startsWith("pipeline \"java-ci\" {");
  }

  @Test
  void plan_usesHistoricalDurationsForTheCriticalPath() {
    Pipeline p = Pipeline.builder("ci")
        .stage("checkout", s -> s.run("git clone"))
        .stage("build", s -> s.needs("checkout").run("make"))
        .stage("lint", s -> s.needs("checkout").run("lint"))
        .stage("test", s -> s.needs("build").matrix(m -> m.axis("os", "a", "b", "c").maxParallel(2)).run("test"))
        .stage("ship", s -> s.needs("test", "lint", "checkout").run("ship"))
        .build();
    ExecutionPlanner planner = ExecutionPlanner.builder().estimates(DurationEstimates.of(Map.of(
        "checkout", Duration.ofSeconds(10), "build", Duration.ofMinutes(2), "lint", Duration.ofMinutes(5),
        "test", Duration.ofMinutes(3), "ship", Duration.ofSeconds(30)))).build();
    ExecutionPlan plan = PipelineService.builder().planner(planner).build().plan(p);
    // test runs 3 cells, 2 at a time: two waves of 3 minutes
    assertThat(plan.criticalPath().stageIds()).containsExactly("checkout", "build", "test", "ship");
    assertThat(plan.criticalPath().duration()).isEqualTo(Duration.ofSeconds(10 + 120 + 360 + 30));
    assertThat(plan.stage("ship").orElseThrow().needs()).containsExactly("test", "lint");
    assertThat(plan.stage("ship").orElseThrow().redundantNeeds()).containsExactly("checkout");
    assertThat(plan.levels()).containsExactly(java.util.List.of("checkout"), java.util.List.of("build", "lint"),
        java.util.List.of("test"), java.util.List.of("ship"));
    assertThat(plan.jobCount()).isEqualTo(7);
  }
}
