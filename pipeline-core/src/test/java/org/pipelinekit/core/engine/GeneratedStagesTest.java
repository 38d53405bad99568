package org.pipelinekit.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.pipelinekit.core.engine.EngineTesting.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pipelinekit.core.format.PipelineFormat;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.core.run.ExecutionEvent;
import org.pipelinekit.core.run.ExecutionEvent.StagesAdded;
import org.pipelinekit.core.run.ExecutionStatus;
import org.pipelinekit.core.run.ExecutionTrigger;
import org.pipelinekit.core.run.LogLine;
import org.pipelinekit.core.run.StageStatus;

/**
 * Stages made at run time: a job writes stages to {@code $PIPELINE_STAGES}, the engine checks the pipeline with them
 * before any of them runs, runs them, and makes the stages that need the generating stage wait for them. Real processes
 * and a real git repository: a copy of {@code samples/monorepo} whose last commit changed its three packages.
 */
class GeneratedStagesTest {
  @TempDir Path dir;
  Path repo;

  /** One test stage per package changed by the last commit, each needing plan; report needs plan, so it waits for them all. */
  static final String MONOREPO = """
      pipelinekit: 1
      id: monorepo-changes
      stages:
        - id: plan
          steps:
            - run: |
                for p in $(git diff --name-only HEAD~1 HEAD -- packages | cut -d/ -f2 | sort -u); do
                  printf -- '- id: test-%s\\n  needs: [plan]\\n  steps:\\n    - run: grep -h name packages/%s/package.json\\n' "$p" "$p"
                done > "$PIPELINE_STAGES"
        - id: report
          needs: [plan]
          steps:
            - run: echo all changed packages tested
      """;

  @BeforeEach
  void monorepo() throws Exception {
    repo = Files.createDirectories(dir.resolve("monorepo"));
    Path sample = Path.of("../samples/monorepo");
    try (Stream<Path> files = Files.walk(sample)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        Path rel = sample.relativize(f);
        if (rel.toString().contains("node_modules") || rel.toString().contains("dist")) continue;
        Files.createDirectories(repo.resolve(rel).getParent());
        Files.copy(f, repo.resolve(rel));
      }
    }
    git("init", "-q", "-b", "main");
    git("add", "-A");
    git("-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-q", "-m", "the monorepo");
    for (String pkg : List.of("shared", "api", "web")) {
      Files.writeString(repo.resolve("packages/" + pkg + "/CHANGELOG.md"), "- a change to " + pkg + "\n");
    }
    Files.writeString(repo.resolve("README.md"), "not a package\n");
    git("add", "-A");
    git("-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-q", "-m", "change every package");
  }

  private void git(String... args) throws Exception {
    Process p = new ProcessBuilder(Stream.concat(Stream.of("git", "-C", repo.toString()), Stream.of(args)).toList())
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).as(out).isZero();
  }

  private PipelineExecutor executor() {
    return PipelineExecutor.builder().dataDirectory(dir.resolve("data")).source(repo).build();
  }

  @Test
  void aStepGeneratesAStagePerChangedPackage_andTheStageThatNeedsItWaitsForThemAll() throws Exception {
    Pipeline p = PipelineFormat.of("yaml").read(MONOREPO);
    String id;
    try (PipelineExecutor executor = executor()) {
      EngineTesting.Recorder rec = new EngineTesting.Recorder();
      Execution e = executor.execute(p, ExecutionTrigger.of("push").branch("main"), Map.of(), rec);
      ExecutionSnapshot done = await(e);
      rec.waitFor(ev -> ev instanceof ExecutionEvent.ExecutionFinished); // (listeners hear events on threads of their own)
      id = e.id();
      assertThat(done.status()).as(done.toString()).isEqualTo(ExecutionStatus.SUCCEEDED);
      assertThat(done.stages().keySet()).containsExactly("plan", "report", "test-api", "test-shared", "test-web");
      for (String pkg : List.of("shared", "api", "web")) {
        assertThat(done.stage("test-" + pkg).status()).isEqualTo(StageStatus.SUCCEEDED);
        assertThat(e.logs().read("test-" + pkg, 1, 100)).extracting(LogLine::text).contains("  \"name\": \"@acme/" + pkg + "\",");
        assertThat(done.stage("report").startedAt().orElseThrow()).isAfterOrEqualTo(done.stage("test-" + pkg).finishedAt().orElseThrow());
        assertThat(done.stage("test-" + pkg).startedAt().orElseThrow()).isAfterOrEqualTo(done.stage("plan").finishedAt().orElseThrow());
      }
      StagesAdded added = rec.of(StagesAdded.class).get(0);
      assertThat(added.stageId()).isEqualTo("plan");
      assertThat(added.stageIds()).containsExactly("test-api", "test-shared", "test-web");
      assertThat(added.fragment()).contains("id: \"test-web\"");
      List<ExecutionEvent> events = rec.events;
      assertThat(events.indexOf(added)).as("added before plan ends")
          .isLessThan(events.indexOf(events.stream().filter(ev -> ev instanceof ExecutionEvent.StageFinished f && f.stageId().equals("plan"))
              .findFirst().orElseThrow()));
      assertThat(e.logs().read("plan", 1, 100)).extracting(LogLine::text).contains("+ generated 3 stages: test-api, test-shared, test-web");
    }
    try (PipelineExecutor again = executor()) { // the journal keeps them: another host reads the same execution
      ExecutionSnapshot stored = again.execution(id).orElseThrow().snapshot();
      assertThat(stored.stages().keySet()).contains("test-api", "test-shared", "test-web");
      assertThat(stored.stage("test-web").status()).isEqualTo(StageStatus.SUCCEEDED);
      // a re-run from report reuses plan, and with it what plan generated: the stages run again, report after them
      ExecutionSnapshot rerun = await(again.rerun(id, "report"));
      assertThat(rerun.status()).as(rerun.toString()).isEqualTo(ExecutionStatus.SUCCEEDED);
      assertThat(rerun.stage("plan").reusedFrom()).hasValue(id);
      for (String pkg : List.of("shared", "api", "web")) {
        assertThat(rerun.stage("test-" + pkg).status()).isEqualTo(StageStatus.SUCCEEDED);
        assertThat(rerun.stage("report").startedAt().orElseThrow()).isAfterOrEqualTo(rerun.stage("test-" + pkg).finishedAt().orElseThrow());
      }
    }
  }

  @Test
  void aGeneratedStageThatFailed_isRunAgainByReRunningWhatFailed_throughItsGenerator() throws Exception {
    Path fixed = dir.resolve("fixed");
    Pipeline p = PipelineFormat.of("yaml").read("""
        pipelinekit: 1
        id: regenerate
        stages:
          - id: plan
            steps:
              - run: |
                  printf -- '- id: flaky\\n  steps:\\n    - run: test -f %1$s\\n' > "$PIPELINE_STAGES"
          - id: report
            needs: [plan]
            steps:
              - run: echo reported
        """.formatted(fixed));
    try (PipelineExecutor executor = executor()) {
      ExecutionSnapshot first = await(executor.execute(p, ExecutionTrigger.manual(), Map.of()));
      assertThat(first.stage("flaky").status()).isEqualTo(StageStatus.FAILED);
      assertThat(first.stage("report").status()).isEqualTo(StageStatus.SKIPPED);
      Files.createFile(fixed);
      ExecutionSnapshot again = await(executor.rerunFailed(first.id()));
      assertThat(again.status()).as(again.toString()).isEqualTo(ExecutionStatus.SUCCEEDED);
      assertThat(again.stage("flaky").status()).isEqualTo(StageStatus.SUCCEEDED);
      assertThat(again.stage("report").status()).isEqualTo(StageStatus.SUCCEEDED);
    }
  }

  @Test
  void generatedStagesWithACycle_areRefusedBeforeAnyOfThemRuns() throws Exception {
    Path ran = dir.resolve("ran");
    Pipeline p = PipelineFormat.of("yaml").read("""
        pipelinekit: 1
        id: cyclic
        stages:
          - id: plan
            steps:
              - run: |
                  cat > "$PIPELINE_STAGES" <<'EOF'
                  stages:
                    - { id: a, needs: [b], steps: [{ run: "touch %1$s-a" }] }
                    - { id: b, needs: [a], steps: [{ run: "touch %1$s-b" }] }
                    - { id: c, steps: [{ run: "touch %1$s-c" }] }
                  EOF
          - id: report
            needs: [plan]
            steps:
              - run: touch %1$s-report
        """.formatted(ran));
    try (PipelineExecutor executor = executor()) {
      Execution e = executor.execute(p, ExecutionTrigger.manual(), Map.of());
      ExecutionSnapshot done = await(e);
      assertThat(done.status()).isEqualTo(ExecutionStatus.FAILED);
      assertThat(done.stage("plan").status()).isEqualTo(StageStatus.FAILED);
      assertThat(done.stage("plan").reason().orElseThrow()).startsWith("the stages it generated are refused: ").contains("cycle")
          .contains("a → b → a");
      assertThat(done.stages().keySet()).containsExactly("plan", "report");
      assertThat(done.stage("report").status()).isEqualTo(StageStatus.SKIPPED);
    }
    try (Stream<Path> left = Files.list(dir)) {
      assertThat(left.map(f -> f.getFileName().toString())).noneMatch(n -> n.startsWith("ran-"));
    }
  }

  @Test
  void aStageIdThatIsTaken_orAFileThatHoldsNoStages_failsTheGeneratorAndSaysWhy() throws Exception {
    try (PipelineExecutor executor = executor()) {
      for (String[] c : List.of(new String[] {"- { id: report, steps: [{ run: 'true' }] }", "it generated stage ids the run already has: [report]"},
          new String[] {"just: a map", "holds no stages"}, new String[] {"stages: [ {", "is not YAML or JSON"})) {
        Pipeline p = Pipeline.builder("bad").stage("plan", s -> s.run("printf '%s\\n' \"" + c[0].replace("\"", "\\\"") + "\" > \"$PIPELINE_STAGES\""))
            .stage("report", s -> s.needs("plan").run("true")).build();
        ExecutionSnapshot done = await(executor.execute(p, ExecutionTrigger.manual(), Map.of()));
        assertThat(done.stage("plan").status()).as(c[0]).isEqualTo(StageStatus.FAILED);
        assertThat(done.stage("plan").reason().orElseThrow()).as(c[0]).contains(c[1]);
      }
    }
  }
}
