package org.pipelinekit.core.stage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Collection;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.pipelinekit.core.PipelineException;
import org.pipelinekit.core.model.Stage;
import org.pipelinekit.core.model.Step;
import org.pipelinekit.core.spi.InputSpec;
import org.pipelinekit.core.spi.OutputSpec;
import org.pipelinekit.core.spi.StageCategory;
import org.pipelinekit.core.spi.StageType;
import org.pipelinekit.core.spi.StageTypeProvider;
import org.pipelinekit.core.spi.ValueType;

class StageRegistryTest {
  private final StageRegistry registry = StageRegistry.builtins();

  @Test
  void builtins_coverTheSeedsStageLibrary() {
    assertThat(registry.byCategory(StageCategory.SOURCE)).extracting(StageType::id)
        .containsExactly("git-clone", "file-upload", "api-source");
    assertThat(registry.byCategory(StageCategory.BUILD)).extracting(StageType::id)
        .containsExactly("shell", "docker-build", "node-build", "python-build", "go-build", "maven-build", "gradle-build");
    assertThat(registry.byCategory(StageCategory.TEST)).extracting(StageType::id)
        .containsExactly("unit-tests", "integration-tests", "e2e-tests");
    assertThat(registry.byCategory(StageCategory.SECURITY)).extracting(StageType::id).containsExactly("sast", "dast", "dependency-scan");
    assertThat(registry.byCategory(StageCategory.DEPLOY)).extracting(StageType::id)
        .containsExactly("deploy-cloud", "deploy-edge", "deploy-container");
    assertThat(registry.byCategory(StageCategory.NOTIFY)).extracting(StageType::id).containsExactly("slack", "email", "webhook");
  }

  @Test
  void builtins_declareTheSeedsSchemas() {
    StageType unit = registry.get("unit-tests");
    assertThat(unit.inputs()).extracting(InputSpec::name).startsWith("command", "coverage_threshold");
    assertThat(unit.input("command").orElseThrow().required()).isTrue();
    assertThat(unit.input("coverage_threshold").orElseThrow().schema().type()).isEqualTo(ValueType.NUMBER);
    assertThat(unit.outputs()).extracting(OutputSpec::name).containsExactly("passed", "tests", "failures", "failed_tests", "coverage", "report"); // the seed's, and which tests failed
    StageType cloud = registry.get("deploy-cloud");
    assertThat(cloud.input("provider").orElseThrow().schema().options()).containsExactly("aws", "gcp", "azure");
    assertThat(cloud.outputs()).extracting(OutputSpec::name).containsExactly("endpoint");
    assertThat(registry.get("deploy-edge").inputs()).extracting(InputSpec::name).contains("regions", "strategy");
    assertThat(registry.get("docker-build").outputs()).extracting(OutputSpec::name).containsExactly("image", "digest");
    StageType it = registry.get("integration-tests");
    assertThat(it.input("services").orElseThrow().schema().items().orElseThrow().fields()).extracting(InputSpec::name)
        .contains("name", "image", "ports");
    for (StageType t : registry.all()) {
      assertThat(t.displayName()).as(t.id()).isNotBlank();
      assertThat(t.description()).as(t.id()).isNotBlank();
      for (InputSpec in : t.inputs()) {
        assertThat(in.description()).as(t.id() + "." + in.name()).isNotBlank();
      }
    }
  }

  @Test
  void builtins_turnStagesIntoQuotedCommands() {
    Stage clone = Stage.builder("src").type("git-clone").with("repository", "https://example.org/a b.git").with("depth", 0).build();
    List<Step> steps = registry.get("git-clone").steps(clone);
    assertThat(steps.get(0).run()).isEqualTo("git clone --branch main 'https://example.org/a b.git' .");
    Stage docker = Stage.builder("img").type("docker-build").with("tags", List.of("app:1", "app:latest")).build();
    assertThat(registry.get("docker-build").steps(docker).get(0).run()).isEqualTo("docker build -f Dockerfile -t app:1 -t app:latest .");
    Stage shell = Stage.builder("s").run("make").build();
    assertThat(registry.get("shell").steps(shell)).containsExactly(Step.of("make"));
  }

  @Test
  void everyBuiltinMakesStepsFromItsDefaultsAndRequiredInputs() {
    for (StageType t : registry.all()) {
      Stage.Builder b = Stage.builder("s").type(t.id());
      for (InputSpec in : t.inputs()) {
        if (in.required()) b.with(in.name(), sample(in));
      }
      if (t.acceptsSteps()) b.run("true");
      assertThat(t.steps(b.build())).as(t.id()).isNotEmpty().allSatisfy(s -> assertThat(s.run()).isNotBlank());
      assertThat(t.plan(b.build())).as(t.id()).isNotEmpty();
    }
  }

  private static Object sample(InputSpec in) {
    return switch (in.schema().type()) {
      case LIST -> List.of("x");
      case CHOICE -> in.schema().options().get(0);
      case URL -> "https://example.org/x";
      case INTEGER -> 1L;
      case NUMBER -> 1.0;
      case BOOLEAN -> true;
      default -> "x";
    };
  }

  @Test
  void registry_refusesDuplicateIdsNamingBothProviders() {
    StageTypeProvider twice = new StageTypeProvider() {
      @Override public String id() { return "my-provider"; }
      @Override public Collection<StageType> stageTypes() { return List.of(StageRegistry.builtins().get("slack")); }
    };
    assertThatThrownBy(() -> StageRegistry.builder().add(new org.pipelinekit.core.stage.internal.BuiltinStageTypes()).add(twice).build())
        .isInstanceOfSatisfying(PipelineException.class, e -> {
          assertThat(e.code()).isEqualTo("STAGE_TYPE_DUPLICATE");
          assertThat(e.getMessage()).isEqualTo("stage type 'slack' is defined twice: by pipeline-core built-ins and by my-provider;"
              + " remove one, give it another id or a higher priority");
        });
  }

  @Test
  void registry_discoversProvidersWithServiceLoader() {
    assertThat(StageRegistry.discover().ids()).containsAll(registry.ids());
  }

  @Test
  void get_suggestsTheClosestType() {
    assertThatThrownBy(() -> registry.get("slak")).hasMessageStartingWith("unknown stage type 'slak'; did you mean 'slack'?");
  }
}
