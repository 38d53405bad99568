package org.pipelinekit.core.engine;

import org.pipelinekit.core.run.ExecutionEvent;
import org.pipelinekit.core.run.ExecutionStatus;
import org.pipelinekit.core.run.ExecutionTrigger;
import org.pipelinekit.core.run.LogLine;
import org.pipelinekit.core.run.StageStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.pipelinekit.core.engine.EngineTesting.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pipelinekit.core.PipelineException;
import org.pipelinekit.core.run.ExecutionEvent.JobFinished;
import org.pipelinekit.core.run.ExecutionEvent.JobStarted;
import org.pipelinekit.core.run.ExecutionEvent.StageFinished;
import org.pipelinekit.core.run.ExecutionEvent.StageStarted;
import org.pipelinekit.core.model.ParameterType;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.core.testing.StageLogs;

/** Scheduling with real processes: parallelism, conditions, outputs, matrices, parameters. */
class SchedulingTest {
  @TempDir Path dir;
  PipelineExecutor executor;

  @BeforeEach
  void open() {
    executor = PipelineExecutor.builder().dataDirectory(dir).maxParallelJobs(4).cancelGracePeriod(Duration.ofMillis(300)).build();
  }

  @AfterEach
  void close() {
    executor.close();
  }

  private static boolean overlap(StageRun a, StageRun b) {
    Instant as = a.startedAt().orElseThrow();
    Instant ae = a.finishedAt().orElseThrow();
    Instant bs = b.startedAt().orElseThrow();
    Instant be = b.finishedAt().orElseThrow();
    return as.isBefore(be) && bs.isBefore(ae);
  }

  @Test
  void parallelBranchesOverlap() throws Exception {
    Pipeline p = Pipeline.builder("fan")
        .stage("root", s -> s.run("true"))
        .stage("left", s -> s.needs("root").run("sleep 0.6"))
        .stage("right", s -> s.needs("root").run("sleep 0.6"))
        .stage("join", s -> s.needs("left", "right").run("true"))
        .build();
    ExecutionSnapshot done = await(executor.execute(p));
    assertThat(done.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(overlap(done.stage("left"), done.stage("right"))).isTrue();
    assertThat(done.stage("join").startedAt().get()).isAfterOrEqualTo(done.stage("left").finishedAt().get());
    assertThat(done.stage("join").startedAt().get()).isAfterOrEqualTo(done.stage("right").finishedAt().get());
  }

  @Test
  void aStageStartsAsSoonAsItsOwnNeedsAreDoneNotLevelByLevel() throws Exception {
    Pipeline p = Pipeline.builder("eager")
        .stage("fast", s -> s.run("true"))
        .stage("slow", s -> s.run("sleep 1.5"))
        .stage("after-fast", s -> s.needs("fast").run("true"))
        .stage("end", s -> s.needs("slow", "after-fast").run("true"))
        .build();
    ExecutionSnapshot done = await(executor.execute(p));
    assertThat(done.stage("after-fast").finishedAt().get()).isBefore(done.stage("slow").finishedAt().get());
  }

  @Test
  void slotsLimitHowManyJobsRunAtOnce() throws Exception {
    try (PipelineExecutor one = PipelineExecutor.builder().dataDirectory(dir.resolve("one")).maxParallelJobs(1).build()) {
      Pipeline p = Pipeline.builder("serial")
          .stage("a", s -> s.run("sleep 0.3"))
          .stage("b", s -> s.run("sleep 0.3"))
          .stage("c", s -> s.run("sleep 0.3"))
          .build();
      ExecutionSnapshot done = await(one.execute(p));
      List<StageRun> runs = List.of(done.stage("a"), done.stage("b"), done.stage("c"));
      for (StageRun x : runs) {
        for (StageRun y : runs) {
          if (x != y) assertThat(overlap(x.jobs().get(0).startedAt().isPresent() ? jobWindow(x) : x, jobWindow(y))).isFalse();
        }
      }
    }
  }

  /** A stage run whose window is that of its (only) job: the time it held a slot. */
  private static StageRun jobWindow(StageRun s) {
    JobRun j = s.jobs().get(0);
    return new StageRun(s.stageId(), s.status(), j.startedAt(), j.finishedAt(), s.reason(), s.outputs(), s.jobs(), s.reusedFrom());
  }

  @Test
  void outputsFlowDownstreamIntoCommandsAndConditions() throws Exception {
    Pipeline p = Pipeline.builder("outputs")
        .stage("build", s -> s.outputs("version", "notes")
            .run("echo version=1.4.2 >> \"$PIPELINE_OUTPUT\"; printf 'notes<<EOF\\nline one\\nline two\\nEOF\\n' >> \"$PIPELINE_OUTPUT\""))
        .stage("ship", s -> s.needs("build").when("stages.build.outputs.version == '1.4.2'")
            .run("echo shipping ${{ stages.build.outputs.version }} for ${{ stages.build.result }}"))
        .stage("never", s -> s.needs("build").when("startsWith(stages.build.outputs.version, '2.')").run("echo no"))
        .build();
    Execution e = executor.execute(p);
    ExecutionSnapshot done = await(e);
    assertThat(done.stage("build").outputs()).containsEntry("version", "1.4.2").containsEntry("notes", "line one\nline two");
    assertThat(e.logs().read("ship", 1, 10)).extracting(LogLine::text).contains("shipping 1.4.2 for success");
    assertThat(done.stage("never").status()).isEqualTo(StageStatus.SKIPPED);
    assertThat(done.stage("never").reason()).contains("condition `startsWith(stages.build.outputs.version, '2.')` is false");
  }

  @Test
  void aStepReadsWhatEarlierStepsOfItsJobWrote_inItsCommandEnvAndDirectory() throws Exception {
    Pipeline p = Pipeline.builder("step-outputs")
        .stage("build", s -> s.matrix(m -> m.axis("os", "linux", "mac")).outputs("dir")
            .run("echo \"before: [${{ outputs.version }}]\"")
            .run("mkdir -p out-${{ matrix.os }}; echo version=1.4.${{ matrix.os == 'linux' && '1' || '2' }} >> \"$PIPELINE_OUTPUT\";"
                + " echo dir=out-${{ matrix.os }} >> \"$PIPELINE_OUTPUT\"")
            .step(st -> st.run("echo \"in $(basename \"$PWD\") with $TAG\"").env("TAG", "v${{ outputs.version }}")
                .workingDirectory("${{ outputs.dir }}")))
        .build();
    Execution e = executor.execute(p);
    assertThat(await(e).status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    List<String> lines = StageLogs.of(e, "build");
    // each matrix cell reads its own job's outputs; a step before the write sees nothing
    assertThat(lines).contains("in out-linux with v1.4.1", "in out-mac with v1.4.2").contains("before: []");
  }

  @Test
  void skippedPropagates_unlessAlwaysOrFailureSaySo_andSoftFailuresCountAsSuccess() throws Exception {
    Pipeline p = Pipeline.builder("conditions")
        .stage("lint", s -> s.continueOnError(true).run("exit 1"))
        .stage("build", s -> s.needs("lint").run("exit 2"))
        .stage("test", s -> s.needs("build").run("true"))
        .stage("report", s -> s.needs("test").when("always()").run("echo report"))
        .stage("on-failure", s -> s.needs("test").when("failure()").run("echo alert"))
        .stage("on-success", s -> s.needs("test").when("success()").run("echo yay"))
        .build();
    ExecutionSnapshot done = await(executor.execute(p));
    assertThat(done.stage("lint").status()).isEqualTo(StageStatus.SOFT_FAILED);
    assertThat(done.stage("build").status()).isEqualTo(StageStatus.FAILED);
    assertThat(done.stage("build").exitCode()).contains(2);
    assertThat(done.stage("test").status()).isEqualTo(StageStatus.SKIPPED);
    assertThat(done.stage("test").reason()).contains("a needed stage did not succeed: build (failure)");
    assertThat(done.stage("report").status()).isEqualTo(StageStatus.SUCCEEDED);
    assertThat(done.stage("on-failure").status()).isEqualTo(StageStatus.SUCCEEDED);
    assertThat(done.stage("on-success").status()).isEqualTo(StageStatus.SKIPPED);
    assertThat(done.status()).isEqualTo(ExecutionStatus.FAILED);
    assertThat(done.reason()).contains("stage 'build' failure");
  }

  @Test
  void continueOnErrorWithExitCodesIsSoftOnlyForThoseCodes() throws Exception {
    Pipeline p = Pipeline.builder("exit-codes")
        .stage("allowed", s -> s.continueOnErrorExitCodes(3, 137).run("exit 3"))
        .stage("other", s -> s.continueOnErrorExitCodes(3).run("exit 4"))
        .stage("cells", s -> s.continueOnErrorExitCodes(3).matrix(m -> m.axis("code", "3", "5").failFast(false))
            .run("exit ${{ matrix.code }}"))
        .stage("slow", s -> s.continueOnErrorExitCodes(3).timeout(Duration.ofMillis(300)).run("sleep 30"))
        .build();
    ExecutionSnapshot done = await(executor.execute(p));
    assertThat(done.stage("allowed").status()).isEqualTo(StageStatus.SOFT_FAILED);
    assertThat(done.stage("other").status()).isEqualTo(StageStatus.FAILED);
    // one cell with an allowed code and one without: the stage fails
    assertThat(done.stage("cells").status()).isEqualTo(StageStatus.FAILED);
    // a timeout has no exit code, so no listed code allows it
    assertThat(done.stage("slow").status()).isEqualTo(StageStatus.TIMED_OUT);
    assertThat(done.status()).isEqualTo(ExecutionStatus.FAILED);
  }

  @Test
  void qualityGatesCheckWhatTheStepsWrote_andTheFirstThatDoesNotHoldFailsTheStage() throws Exception {
    Pipeline p = Pipeline.builder("gates")
        .stage("covered", s -> s.run("echo coverage=84.2 >> \"$PIPELINE_OUTPUT\"; echo failures=0 >> \"$PIPELINE_OUTPUT\"")
            .gate("coverage", "outputs.coverage >= 80").gate("no-failures", "outputs.failures == 0"))
        .stage("thin", s -> s.run("echo coverage=72.5 >> \"$PIPELINE_OUTPUT\"")
            .gate("coverage", "outputs.coverage >= 80").gate("never-checked", "false"))
        .stage("unread", s -> s.run("true").gate("coverage", "outputs.coverage >= 80"))
        .stage("broken", s -> s.run("exit 2").gate("coverage", "outputs.coverage >= 80"))
        .build();
    Execution e = executor.execute(p);
    ExecutionSnapshot done = await(e);
    assertThat(done.stage("covered").status()).isEqualTo(StageStatus.SUCCEEDED);
    assertThat(e.logs().read("covered", 1, 100)).extracting(LogLine::text).contains(
        "✓ quality gate 'coverage' holds: outputs.coverage >= 80 (outputs.coverage is 84.2)",
        "✓ quality gate 'no-failures' holds: outputs.failures == 0 (outputs.failures is 0)");
    assertThat(done.stage("thin").status()).isEqualTo(StageStatus.FAILED);
    assertThat(done.stage("thin").reason()).contains("quality gate 'coverage' does not hold: outputs.coverage >= 80 (outputs.coverage is 72.5)");
    assertThat(e.logs().read("thin", 1, 100)).extracting(LogLine::text).noneMatch(l -> l.contains("never-checked"));
    assertThat(done.stage("unread").reason()).contains("quality gate 'coverage' does not hold: outputs.coverage >= 80 (outputs.coverage is not set)");
    // a failed step is the stage's reason; its gates are not checked
    assertThat(done.stage("broken").reason()).hasValueSatisfying(r -> assertThat(r).contains("exited with 2").doesNotContain("gate"));
  }

  @Test
  void aGateComparesWithTheDefaultBranchsLastGoodRun() throws Exception {
    Pipeline p = Pipeline.builder("drop").parameter("coverage", c -> c.defaultValue("80"))
        .stage("test", s -> s.run("echo coverage=${{ params.coverage }} >> \"$PIPELINE_OUTPUT\"")
            .gate("no-drop", "minus(baseline.outputs.coverage, outputs.coverage) <= 1"))
        .build();
    java.util.function.BiFunction<String, String, ExecutionSnapshot> run = (branch, coverage) -> {
      try {
        return await(executor.execute(p, new ExecutionTrigger("push", java.util.Optional.of(branch), java.util.Optional.empty(),
            java.util.Optional.empty()), Map.of("coverage", coverage)));
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    };
    // no good run of main yet: nothing to drop from
    assertThat(run.apply("feature/a", "50").status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(run.apply("main", "84").status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(run.apply("feature/b", "83.5").status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    ExecutionSnapshot dropped = run.apply("feature/c", "80");
    assertThat(dropped.status()).isEqualTo(ExecutionStatus.FAILED);
    assertThat(dropped.stage("test").reason()).contains("quality gate 'no-drop' does not hold: minus(baseline.outputs.coverage, outputs.coverage) <= 1"
        + " (outputs.coverage is 80, baseline.outputs.coverage is 84)");
  }

  @Test
  void aGateRefusesNewTestFailuresVersusTheDefaultBranch_andToleratesKnownOnes() throws Exception {
    // the tests fail as the parameter says: a JUnit report with those cases failing, and a test command that exits 1
    String report = "printf '<testsuite>' > TEST-app.xml; for t in login cart pay; do case \" ${{ params.failing }} \" in"
        + " *\" $t \"*) printf '<testcase classname=\"app.Suite\" name=\"%s\"><failure/></testcase>' $t ;;"
        + " *) printf '<testcase classname=\"app.Suite\" name=\"%s\"/>' $t ;; esac >> TEST-app.xml; done;"
        + " printf '</testsuite>' >> TEST-app.xml; [ -z \"${{ params.failing }}\" ]";
    Pipeline p = Pipeline.builder("tests").parameter("failing", c -> c.defaultValue(""))
        .stage("test", s -> s.type("unit-tests").with("command", report).with("fail_on_failures", false)
            // main records where it stands; other branches may not fail a test that main's last good run passed
            .gate("no-new-failures", "branch == 'main' || added(outputs.failed_tests, baseline.outputs.failed_tests) == 0"))
        .build();
    java.util.function.BiFunction<String, String, ExecutionSnapshot> run = (branch, failing) -> {
      try {
        return await(executor.execute(p, new ExecutionTrigger("push", java.util.Optional.of(branch), java.util.Optional.empty(),
            java.util.Optional.empty()), Map.of("failing", failing)));
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    };
    // main lives with a known failure (cart)
    ExecutionSnapshot main = run.apply("main", "cart");
    assertThat(main.status()).as("%s", main.stage("test")).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(main.stage("test").outputs()).containsEntry("failed_tests", "app.Suite.cart").containsEntry("failures", "1");
    assertThat(run.apply("feature/a", "cart").status()).as("the known failure only").isEqualTo(ExecutionStatus.SUCCEEDED);
    ExecutionSnapshot worse = run.apply("feature/b", "cart pay");
    assertThat(worse.status()).isEqualTo(ExecutionStatus.FAILED);
    assertThat(worse.stage("test").reason()).hasValueSatisfying(r -> assertThat(r).contains("quality gate 'no-new-failures' does not hold")
        .contains("outputs.failed_tests is app.Suite.cart\napp.Suite.pay").contains("baseline.outputs.failed_tests is app.Suite.cart"));
    assertThat(run.apply("feature/c", "").status()).as("fixing the known failure is no new one").isEqualTo(ExecutionStatus.SUCCEEDED);
  }

  @Test
  void aGateCountsASarifReportsFindingsByLevel() throws Exception {
    String sarif = "{\"version\": \"2.1.0\", \"runs\": [{\"tool\": {\"driver\": {\"name\": \"scanner\"}}, \"results\": ["
        + "{\"level\": \"error\", \"message\": {\"text\": \"sql injection\"}}, {\"message\": {\"text\": \"weak hash\"}},"
        + " {\"level\": \"note\", \"message\": {\"text\": \"style\"}}]}]}";
    Pipeline p = Pipeline.builder("scan")
        .stage("strict", s -> s.run("printf '%s' '" + sarif + "' > report.sarif").gate("no-errors", "sarif('report.sarif', 'error') == 0"))
        .stage("lenient", s -> s.run("printf '%s' '" + sarif + "' > report.sarif")
            .gate("few", "sarif('report.sarif', 'warning+') <= 2").gate("notes", "sarif('report.sarif', 'note') == 1"))
        .stage("missing", s -> s.run("true").gate("no-errors", "sarif('nowhere.sarif', 'error') == 0"))
        .stage("odd", s -> s.run("printf '%s' '" + sarif + "' > report.sarif").gate("level", "sarif('report.sarif', 'critical') == 0"))
        .build();
    ExecutionSnapshot done = await(executor.execute(p));
    assertThat(done.stage("strict").reason()).contains("quality gate 'no-errors' does not hold: sarif('report.sarif', 'error') == 0");
    assertThat(done.stage("lenient").status()).isEqualTo(StageStatus.SUCCEEDED);
    assertThat(done.stage("missing").reason()).contains("quality gate 'no-errors' cannot be checked: sarif() cannot read nowhere.sarif: no such file");
    assertThat(done.stage("odd").reason()).hasValueSatisfying(r -> assertThat(r).contains("sarif() counts the level error, warning or note"));
  }

  @Test
  void matrixExpandsWithIncludeAndExcludeAndPassesValues() throws Exception {
    Pipeline p = Pipeline.builder("matrix")
        .stage("test", s -> s.matrix(m -> m.axis("os", "linux", "mac").axis("jdk", "17", "21")
                .exclude(Map.of("os", "mac", "jdk", "17")).include(Map.of("os", "bsd", "jdk", "21")))
            .run("echo run ${{ matrix.os }}-${{ matrix.jdk }}"))
        .build();
    Execution e = executor.execute(p);
    ExecutionSnapshot done = await(e);
    assertThat(done.stage("test").jobs()).extracting(JobRun::jobId).containsExactly(
        "test[os=linux, jdk=17]", "test[os=linux, jdk=21]", "test[os=mac, jdk=21]", "test[os=bsd, jdk=21]");
    assertThat(e.logs().read("test", 1, 100)).extracting(LogLine::text)
        .contains("run linux-17", "run linux-21", "run mac-21", "run bsd-21");
  }

  @Test
  void failFastCancelsRunningSiblings() throws Exception {
    Pipeline p = Pipeline.builder("failfast")
        .stage("test", s -> s.matrix(m -> m.axis("n", "1", "2", "3"))
            .run("if [ ${{ matrix.n }} = 1 ]; then sleep 0.3; exit 1; fi; sleep 600"))
        .build();
    ExecutionSnapshot done = await(executor.execute(p)); // await's 120 s guard: the 600 s siblings were cancelled
    assertThat(done.stage("test").status()).isEqualTo(StageStatus.FAILED);
    assertThat(done.stage("test").jobs()).extracting(JobRun::status)
        .containsExactly(StageStatus.FAILED, StageStatus.CANCELLED, StageStatus.CANCELLED);
    assertThat(done.stage("test").jobs().get(1).reason()).contains("cancelled because test[n=1] failed (fail-fast)");
  }

  @Test
  void withoutFailFastSiblingsFinish_andMaxParallelBoundsTheCells() throws Exception {
    Pipeline p = Pipeline.builder("no-failfast")
        .stage("test", s -> s.matrix(m -> m.axis("n", "1", "2", "3").failFast(false).maxParallel(1))
            .run("sleep 0.2; [ ${{ matrix.n }} != 1 ]"))
        .build();
    ExecutionSnapshot done = await(executor.execute(p));
    List<JobRun> jobs = done.stage("test").jobs();
    assertThat(jobs).extracting(JobRun::status).containsExactly(StageStatus.FAILED, StageStatus.SUCCEEDED, StageStatus.SUCCEEDED);
    for (int i = 1; i < jobs.size(); i++) {
      assertThat(jobs.get(i).startedAt().get()).isAfterOrEqualTo(jobs.get(i - 1).finishedAt().get());
    }
  }

  @Test
  void parametersGetDefaultsAndTypes_andBadOnesAreRefused() throws Exception {
    Pipeline p = Pipeline.builder("params")
        .parameter("target", x -> x.choice("staging", "prod").defaultValue("staging"))
        .parameter("replicas", x -> x.type(ParameterType.NUMBER).defaultValue(1))
        .stage("deploy", s -> s.when("params.replicas > 2").run("echo ${{ params.target }} x${{ params.replicas }}"))
        .build();
    Execution e = executor.execute(p, ExecutionTrigger.manual(), Map.of("replicas", "3", "target", "prod"));
    await(e);
    assertThat(e.logs().read("deploy", 1, 10)).extracting(LogLine::text).contains("prod x3");
    assertThatThrownBy(() -> executor.execute(p, ExecutionTrigger.manual(), Map.of("target", "qa", "colour", "red")))
        .isInstanceOf(PipelineException.class)
        .hasMessage("parameter 'target' must be one of [staging, prod], got qa; pipeline 'params' has no parameter 'colour';"
            + " its parameters are [target, replicas]");
  }

  @Test
  void eventsAreNumberedWithoutGapsAndStagesEndOnce() throws Exception {
    EngineTesting.Recorder rec = new EngineTesting.Recorder();
    Pipeline p = Pipeline.builder("events")
        .stage("a", s -> s.run("echo 1; echo 2"))
        .stage("b", s -> s.needs("a").run("exit 4"))
        .stage("c", s -> s.needs("b").run("true"))
        .build();
    Execution e = executor.execute(p, ExecutionTrigger.manual(), Map.of(), rec);
    await(e);
    rec.waitFor(ev -> ev instanceof ExecutionEvent.ExecutionFinished);
    for (int i = 0; i < rec.events.size(); i++) assertThat(rec.events.get(i).sequence()).isEqualTo(i + 1);
    assertThat(rec.of(StageFinished.class)).extracting(StageFinished::stageId).containsExactlyInAnyOrder("a", "b", "c");
    assertThat(rec.of(StageStarted.class)).extracting(StageStarted::stageId).containsExactly("a", "b");
    assertThat(rec.of(JobStarted.class)).hasSize(2);
    assertThat(rec.of(JobFinished.class).get(1).exitCode()).contains(4);
  }

  @Test
  void withASharedWorkspace_stagesSeeEachOthersFiles() throws Exception {
    Pipeline p = Pipeline.builder("workspace").workspace(org.pipelinekit.core.model.WorkspaceMode.SHARED)
        .stage("write", s -> s.run("mkdir -p out && echo data > out/file.txt"))
        .stage("read", s -> s.needs("write").step(st -> st.workingDirectory("out").run("cat file.txt")))
        .build();
    Execution e = executor.execute(p);
    await(e);
    assertThat(e.logs().read("read", 1, 10)).extracting(LogLine::text).contains("data");
    assertThat(Files.readString(dir.resolve("runs").resolve(e.id()).resolve("workspace/out/file.txt"))).isEqualTo("data\n");
  }
}
