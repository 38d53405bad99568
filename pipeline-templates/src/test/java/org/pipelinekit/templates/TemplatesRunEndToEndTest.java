package org.pipelinekit.templates;

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
import org.pipelinekit.core.run.ExecutionTrigger;
import org.pipelinekit.core.engine.PipelineExecutor;
import org.pipelinekit.core.run.StageStatus;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.core.testing.StageLogs;

/**
 * The Java Maven, Node and Python templates run green with the local runner against the small
 * projects in samples/ (copied; the checkout stage removed, as the workspace already holds them).
 */
class TemplatesRunEndToEndTest {
  @TempDir Path dir;
  static final Path SAMPLES = Path.of("../samples");

  private ExecutionSnapshot run(Pipeline p, Path project) {
    try (PipelineExecutor executor = PipelineExecutor.builder().sharedWorkspace(project).dataDirectory(dir.resolve("data")).build()) {
      ExecutionSnapshot done = executor.execute(p, ExecutionTrigger.manual().branch("main"), Map.of()).completion().join();
      if (done.status() != ExecutionStatus.SUCCEEDED) {
        for (String stage : done.stages().keySet()) {
          StageLogs.of(executor, done, stage).forEach(l -> System.out.println("[" + stage + "] " + l));
        }
      }
      return done;
    }
  }

  @Test
  void javaMaven() throws IOException {
    Path project = copy(SAMPLES.resolve("projects/java-maven"), dir.resolve("java"));
    Pipeline p = BuiltinLibraryTest.LIBRARY.createFromTemplate("java-maven", Customization.builder()
        .set("maven_args", "-B -o -q").removeStage("checkout").build());
    ExecutionSnapshot done = run(p, project);
    assertThat(done.status()).as(String.valueOf(done.reason())).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(done.stage("test").status()).isEqualTo(StageStatus.SUCCEEDED);
    assertThat(done.stage("coverage").status()).isEqualTo(StageStatus.SKIPPED); // coverage_threshold 0
    assertThat(project.resolve("target/greeter-1.0.0.jar")).isRegularFile();
  }

  @Test
  void nodeNpm() throws IOException {
    Path project = copy(SAMPLES.resolve("monorepo"), dir.resolve("node"));
    Pipeline p = BuiltinLibraryTest.LIBRARY.createFromTemplate("node-npm", Customization.builder()
        .set("install", "npm ci --offline --no-audit --no-fund").removeStage("checkout").build());
    ExecutionSnapshot done = run(p, project);
    assertThat(done.status()).as(String.valueOf(done.reason())).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(done.stage("test").jobs()).hasSize(1);
  }

  @Test
  void pythonPip() throws IOException {
    Path project = copy(SAMPLES.resolve("projects/python"), dir.resolve("python"));
    Pipeline p = BuiltinLibraryTest.LIBRARY.createFromTemplate("python-pip", Customization.builder()
        .set("python", "/usr/bin/python3").removeStage("checkout").build());
    ExecutionSnapshot done = run(p, project);
    assertThat(done.status()).as(String.valueOf(done.reason())).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(done.stage("test").outputs()).containsEntry("tests", "2").containsEntry("failures", "0").containsEntry("passed", "true");
    assertThat(project.resolve("reports/junit.xml")).isRegularFile();
  }

  static Path copy(Path from, Path to) throws IOException {
    try (Stream<Path> all = Files.walk(from)) {
      for (Path p : (Iterable<Path>) all::iterator) {
        String rel = from.relativize(p).toString();
        if (List.of("node_modules", "target", ".venv", "dist", "__pycache__", ".pytest_cache").stream().anyMatch(rel::contains)) continue;
        Path target = to.resolve(rel);
        if (Files.isDirectory(p)) Files.createDirectories(target);
        else Files.copy(p, target);
      }
    }
    return to;
  }
}
