package org.pipelinekit.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pipelinekit.core.run.ExecutionEvent;
import org.pipelinekit.core.engine.ExecutionSnapshot;
import org.pipelinekit.core.run.ExecutionStatus;
import org.pipelinekit.core.engine.PipelineExecutor;
import org.pipelinekit.core.run.StageStatus;
import org.pipelinekit.core.model.CachePolicy;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.core.testing.Runs;
import org.pipelinekit.core.testing.StageLogs;

/** Caches and memoized stages through the real engine, with real processes. */
class CacheInEngineTest {
  @TempDir Path dir;
  CacheManager cache;
  PipelineExecutor executor;
  final List<ExecutionEvent> events = Collections.synchronizedList(new ArrayList<>());

  @BeforeEach
  void open() {
    cache = CacheManager.builder(new FileCacheStore(dir.resolve("cache"))).build();
    executor = PipelineExecutor.builder().interceptor(cache.interceptor()).stageMemo(cache.stageMemo())
        .dataDirectory(dir.resolve("data")).build();
  }

  @AfterEach
  void close() {
    executor.close();
  }

  private ExecutionSnapshot run(Pipeline p) {
    events.clear();
    return Runs.runAndHearAll(executor, p, events);
  }

  private List<String> log(ExecutionSnapshot done, String stage) {
    return StageLogs.of(executor, done, stage);
  }

  private List<String> cacheActions() {
    return events.stream().filter(e -> e instanceof ExecutionEvent.CacheUsed).map(e -> ((ExecutionEvent.CacheUsed) e).action()).toList();
  }

  private static Pipeline deps(String lock) {
    return Pipeline.builder("deps")
        .stage("lock", s -> s.artifacts(a -> a.path("lock.txt")).run("echo '" + lock + "' > lock.txt")) // handed on to install
        .stage("install", s -> s.needs("lock")
            .cache(c -> c.key("deps-${{ runner.os }}-${{ hashFiles('lock.txt') }}").restoreKeys("deps-${{ runner.os }}-").path("deps"))
            .run("if [ -f deps/downloaded ]; then echo \"reused $(cat deps/downloaded)\"; else mkdir -p deps;"
                + " echo \"$(cat lock.txt)\" > deps/downloaded; echo downloaded; fi"))
        .build();
  }

  @Test
  void aStageCacheIsSavedAfterSuccessAndRestoredInTheNextRun_restoreKeysCatchAChangedLock() throws Exception {
    ExecutionSnapshot first = run(deps("v1"));
    assertThat(first.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(log(first, "install")).contains("downloaded").anyMatch(l -> l.startsWith("cache miss: deps-Linux-"))
        .anyMatch(l -> l.startsWith("cache saved: deps-Linux-"));
    assertThat(cacheActions()).containsExactly("miss", "saved");

    ExecutionSnapshot second = run(deps("v1")); // a fresh workspace: only the cache can bring deps/ back
    assertThat(log(second, "install")).contains("reused v1").anyMatch(l -> l.startsWith("cache hit: restored"))
        .anyMatch(l -> l.contains("was restored on its exact key; not saving it again"));
    assertThat(cacheActions()).containsExactly("hit");
    ExecutionEvent.CacheUsed hit = (ExecutionEvent.CacheUsed) events.stream().filter(e -> e instanceof ExecutionEvent.CacheUsed)
        .findFirst().orElseThrow();
    assertThat(hit.bytes()).isPositive();
    assertThat(hit.stageId()).isEqualTo("install");

    ExecutionSnapshot third = run(deps("v2")); // the lock changed: the newest deps- entry is restored, then a new one saved
    assertThat(log(third, "install")).contains("reused v1").anyMatch(l -> l.startsWith("cache partial hit on deps-Linux-"));
    assertThat(cacheActions()).containsExactly("partial-hit", "saved");
  }

  private static Pipeline tests(String source) {
    return Pipeline.builder("memo")
        .stage("checkout", s -> s.artifacts(a -> a.path("src")).run("mkdir -p src; echo '" + source + "' > src/App.java"))
        .stage("test", s -> s.needs("checkout").memoize("unit-${{ hashFiles('src/**') }}").outputs("passed")
            .run("echo running the tests of $(cat src/App.java)").run("echo passed=42 >> \"$PIPELINE_OUTPUT\""))
        .stage("report", s -> s.needs("test").run("echo '${{ stages.test.outputs.passed }} passed (${{ stages.test.result }})'"))
        .build();
  }

  @Test
  void aMemoizedStageIsSkippedOnAHit_withItsOutputsAndLogReplayed_andRunsAgainWhenItsInputsChange() {
    ExecutionSnapshot first = run(tests("class App {}"));
    assertThat(first.stage("test").status()).isEqualTo(StageStatus.SUCCEEDED);
    assertThat(log(first, "test")).contains("running the tests of class App {}")
        .anyMatch(l -> l.startsWith("no memoized result for unit-"));

    ExecutionSnapshot second = run(tests("class App {}"));
    assertThat(second.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(second.stage("test").status()).isEqualTo(StageStatus.CACHED);
    assertThat(second.stage("test").outputs()).containsEntry("passed", "42");
    assertThat(log(second, "test")).anyMatch(l -> l.startsWith("↺ reusing the result of " + first.id()))
        .contains("running the tests of class App {}");
    assertThat(events).noneMatch(e -> e instanceof ExecutionEvent.StepStarted s && s.stageId().equals("test"));
    assertThat(log(second, "report")).contains("42 passed (success)");

    ExecutionSnapshot third = run(tests("class App { int changed; }"));
    assertThat(third.stage("test").status()).isEqualTo(StageStatus.SUCCEEDED);
    assertThat(log(third, "test")).contains("running the tests of class App { int changed; }");
  }

  @Test
  void aStepReadsWhetherTheCacheWasAnExactHit_aPullCacheIsNeverSaved_andEachJobSavesOnlyItsOwnFiles() {
    Pipeline p = Pipeline.builder("hits")
        .stage("php", s -> s.cache(c -> c.key("vendor-php").path("vendor"))
            .step(st -> st.when("outputs.cacheHit != 'true'").run("mkdir -p vendor && echo php > vendor/lib && echo installed php"))
            .run("cat vendor/*"))
        .stage("node", s -> s.cache(c -> c.key("vendor-node").path("vendor"))
            .step(st -> st.when("outputs.cacheHit != 'true'").run("mkdir -p vendor && echo node > vendor/lib && echo installed node"))
            .run("cat vendor/*"))
        .stage("reader", s -> s.cache(c -> c.key("vendor-reader").path("vendor").policy(CachePolicy.PULL))
            .run("mkdir -p vendor && echo written > vendor/lib"))
        .build();
    ExecutionSnapshot first = run(p);
    assertThat(first.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(log(first, "php")).contains("installed php", "php").doesNotContain("node");
    assertThat(log(first, "reader")).noneMatch(l -> l.startsWith("cache saved"));
    ExecutionSnapshot second = run(p);
    assertThat(log(second, "php")).contains("○ mkdir -p vendor && echo php > vendor/lib && echo installed php skipped:"
        + " `outputs.cacheHit != 'true'` is false", "php").doesNotContain("installed php", "node");
    assertThat(log(second, "node")).contains("node").doesNotContain("installed node", "php");
    assertThat(log(second, "reader")).contains("cache miss: vendor-reader");
  }

  @Test
  void presetsGiveKeysTheEngineRenders() throws Exception {
    Files.createDirectories(dir.resolve("ws"));
    Files.writeString(dir.resolve("ws/pom.xml"), "<project/>");
    try (PipelineExecutor ex = PipelineExecutor.builder().interceptor(cache.interceptor()).sharedWorkspace(dir.resolve("ws"))
        .dataDirectory(dir.resolve("data2")).build()) {
      Pipeline p = Pipeline.builder("preset").stage("build", s -> s.cache(CachePresets.maven()).run("true")).build();
      List<ExecutionEvent> seen = Collections.synchronizedList(new ArrayList<>());
      org.pipelinekit.core.testing.Runs.runAndHearAll(ex, p, seen); // (events may still come after the completion)
      ExecutionEvent.CacheUsed miss = (ExecutionEvent.CacheUsed) seen.stream().filter(e -> e instanceof ExecutionEvent.CacheUsed)
          .findFirst().orElseThrow();
      assertThat(miss.key()).matches("maven-Linux-[0-9a-f]{64}");
    }
    assertThat(CachePresets.all()).containsOnlyKeys("maven", "gradle", "npm", "pip", "go");
  }
}
