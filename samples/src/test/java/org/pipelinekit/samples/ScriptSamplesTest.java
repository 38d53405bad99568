package org.pipelinekit.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pipelinekit.core.engine.ExecutionSnapshot;
import org.pipelinekit.core.run.ExecutionStatus;
import org.pipelinekit.core.engine.StageRun;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.core.validate.PipelineValidator;
import org.pipelinekit.dsl.script.PipelineScriptHost;

/** The {@code .pipeline.kts} samples: every one evaluates and validates cleanly, and the Node monorepo one runs. */
class ScriptSamplesTest {
  private static final Path PIPELINES = Path.of("pipelines");

  @Test
  void everyScriptSampleEvaluatesToAValidPipeline(@TempDir Path cache) throws IOException {
    List<Path> scripts;
    try (Stream<Path> files = Files.list(PIPELINES)) {
      scripts = files.filter(f -> f.toString().endsWith(".pipeline.kts")).sorted().toList();
    }
    assertThat(scripts).extracting(p -> p.getFileName().toString())
        .containsExactly("deploy.pipeline.kts", "maven-ci.pipeline.kts", "node-monorepo.pipeline.kts");
    PipelineScriptHost host = new PipelineScriptHost(cache);
    PipelineValidator validator = PipelineValidator.create();
    for (Path script : scripts) {
      List<Pipeline> pipelines = host.evaluate(script);
      assertThat(pipelines).as(script.toString()).hasSize(1);
      assertThat(validator.validate(pipelines.get(0)).problems()).as(script.toString()).isEmpty();
    }
    Pipeline maven = host.evaluate(PIPELINES.resolve("maven-ci.pipeline.kts")).get(0);
    assertThat(maven.stages()).extracting(s -> s.id()).containsExactly("checkout", "build", "test", "dependency-scan", "package");
    assertThat(maven.stage("build").orElseThrow().caches()).isNotEmpty();
    assertThat(maven.stage("build").orElseThrow().artifacts()).isNotEmpty();
    Pipeline deploy = host.evaluate(PIPELINES.resolve("deploy.pipeline.kts")).get(0);
    assertThat(deploy.stage("production").orElseThrow().approval()).isPresent();
    assertThat(deploy.stage("production").orElseThrow().environment().orElseThrow().protection().orElseThrow().branches())
        .containsExactly("main");
  }

  @Test
  void theNodeMonorepoSampleRuns(@TempDir Path dir) throws IOException {
    Path project = copy(Path.of("monorepo"), dir.resolve("monorepo"));
    ExecutionSnapshot done = ScriptSample.run(PIPELINES.resolve("node-monorepo.pipeline.kts"), project, dir.resolve("data"));
    assertThat(done.status()).as(done.toString()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(done.stages().values()).extracting(StageRun::stageId).containsExactly("install", "lint", "test", "build", "publish");
    assertThat(done.stage("test").jobs()).hasSize(3);
    assertThat(done.stage("build").outputs()).isEqualTo(Map.of("version", "1.4.0"));
    for (String pkg : List.of("shared", "api", "web")) {
      assertThat(Files.readString(project.resolve("packages/" + pkg + "/dist/index.js"))).startsWith("// @acme/" + pkg + " 1.4.0\n");
    }
  }

  @Test
  void readme_kotlinQuickStartEvaluatesToAValidPipeline() throws IOException {
    String readme = Files.readString(Path.of("../README.md"));
    int a = readme.indexOf("```kotlin\n") + "```kotlin\n".length();
    String script = readme.substring(a, readme.indexOf("```", a));
    List<Pipeline> pipelines = new PipelineScriptHost().evaluate(script, "README.md");
    assertThat(pipelines).hasSize(1);
    assertThat(PipelineValidator.create().validate(pipelines.get(0)).problems()).isEmpty();
    // the sample it is taken from has the same stages, and more
    Pipeline sample = new PipelineScriptHost().evaluate(PIPELINES.resolve("node-monorepo.pipeline.kts")).get(0);
    for (var stage : pipelines.get(0).stages()) {
      assertThat(sample.stage(stage.id())).isPresent();
      assertThat(sample.stage(stage.id()).orElseThrow().steps()).containsAll(stage.steps());
    }
  }

  private static Path copy(Path from, Path to) throws IOException {
    try (Stream<Path> all = Files.walk(from)) {
      for (Path p : (Iterable<Path>) all::iterator) {
        String rel = from.relativize(p).toString();
        if (rel.contains("node_modules") || rel.contains("dist")) continue;
        Path target = to.resolve(rel);
        if (Files.isDirectory(p)) Files.createDirectories(target);
        else Files.copy(p, target);
      }
    }
    return to;
  }
}
