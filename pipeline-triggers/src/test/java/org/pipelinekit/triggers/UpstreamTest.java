package org.pipelinekit.triggers;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pipelinekit.core.engine.ExecutionSnapshot;
import org.pipelinekit.core.engine.PipelineExecutor;
import org.pipelinekit.core.format.PipelineFormat;
import org.pipelinekit.core.run.ExecutionEvent;
import org.pipelinekit.core.run.ExecutionStatus;
import org.pipelinekit.core.run.ExecutionTrigger;
import org.pipelinekit.core.run.LogLine;
import org.pipelinekit.core.service.PipelineService;

/** Upstream triggers: a chain A → B → C hands an output along; an end or a branch the trigger does not name starts nothing. */
class UpstreamTest {
  @TempDir Path dir;
  private PipelineExecutor executor;
  private Triggers triggers;

  @AfterEach
  void close() {
    if (triggers != null) triggers.close();
    if (executor != null) executor.close();
  }

  @Test
  void aChainOfThreePipelinesHandsAnOutputAlong_andOnlyTheEndsAndBranchesItNamesStartTheNext() throws Exception {
    PipelineService service = PipelineService.builder().build();
    service.create(PipelineFormat.YAML.read("""
        pipelinekit: 1
        id: build
        stages:
          - id: compile
            outputs: [version]
            steps:
              - run: test "${{ branch }}" != broken && echo version=1.2.3 >> "$PIPELINE_OUTPUT"
        """));
    service.create(PipelineFormat.YAML.read("""
        pipelinekit: 1
        id: test
        triggers:
          - upstream: { pipeline: build }
        stages:
          - id: check
            outputs: [tested]
            steps:
              - run: echo "testing ${{ upstream.outputs.version }}" && echo tested=${{ upstream.outputs.version }}-ok >> "$PIPELINE_OUTPUT"
        """));
    service.create(PipelineFormat.YAML.read("""
        pipelinekit: 1
        id: deploy
        triggers:
          - upstream: { pipeline: test, on: [success], branches: [main] }
        stages:
          - id: ship
            steps:
              - run: echo "shipping ${{ upstream.outputs.tested }} after ${{ upstream.pipeline }}"
        """));
    executor = PipelineExecutor.builder().runDirectory(dir.resolve("runs")).build();
    Map<String, CompletableFuture<ExecutionSnapshot>> ended = new ConcurrentHashMap<>();
    executor.listen(e -> {
      if (e instanceof ExecutionEvent.ExecutionFinished f) {
        ExecutionSnapshot s = executor.execution(f.executionId()).orElseThrow().snapshot();
        ended.computeIfAbsent(s.header().pipelineId() + "@" + s.header().trigger().branch().orElse(""), k -> new CompletableFuture<>()).complete(s);
      }
    });
    triggers = Triggers.builder(executor, service).scheduleTick(Duration.ZERO).build();
    List<Delivery> said = new java.util.concurrent.CopyOnWriteArrayList<>();
    CompletableFuture<Void> featureSkipped = new CompletableFuture<>();
    CompletableFuture<Void> brokenSkipped = new CompletableFuture<>();
    triggers.onDelivery(d -> {
      said.add(d);
      if (d.summary().startsWith("test ") && !d.skipped().isEmpty()) featureSkipped.complete(null);
      if (d.summary().startsWith("build ") && d.summary().endsWith("FAILED")) brokenSkipped.complete(null);
    });

    executor.execute(service.get("build").orElseThrow(), ExecutionTrigger.manual().branch("main"), Map.of());
    ExecutionSnapshot deploy = ended.computeIfAbsent("deploy@main", k -> new CompletableFuture<>()).get(60, TimeUnit.SECONDS);
    assertThat(deploy.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(deploy.header().trigger().kind()).isEqualTo("upstream");
    assertThat(executor.execution(deploy.id()).orElseThrow().logs().read("ship", 1, 50)).extracting(LogLine::text)
        .contains("shipping 1.2.3-ok after test");
    ExecutionSnapshot test = ended.get("test@main").get();
    assertThat(executor.execution(test.id()).orElseThrow().logs().read("check", 1, 50)).extracting(LogLine::text).contains("testing 1.2.3");

    // a feature branch: test runs (no branch filter), deploy does not (main only), and the delivery says why
    executor.execute(service.get("build").orElseThrow(), ExecutionTrigger.manual().branch("feature/x"), Map.of());
    featureSkipped.get(60, TimeUnit.SECONDS);
    assertThat(said).anySatisfy(d -> assertThat(d.skipped()).contains("deploy: test ran for feature/x, not one of [main]"));
    // a failed build starts nothing after it
    executor.execute(service.get("build").orElseThrow(), ExecutionTrigger.manual().branch("broken"), Map.of());
    brokenSkipped.get(60, TimeUnit.SECONDS);
    assertThat(said).anySatisfy(d -> assertThat(d.skipped()).contains("test: build ended FAILED, and it runs on [success]"));
    assertThat(ended).doesNotContainKeys("test@broken", "deploy@feature/x");
  }
}
