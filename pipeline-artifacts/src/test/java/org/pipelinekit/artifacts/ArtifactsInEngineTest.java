package org.pipelinekit.artifacts;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pipelinekit.core.run.ExecutionEvent;
import org.pipelinekit.core.engine.ExecutionSnapshot;
import org.pipelinekit.core.run.ExecutionStatus;
import org.pipelinekit.core.run.ExecutionTrigger;
import org.pipelinekit.core.engine.PipelineExecutor;
import org.pipelinekit.core.run.StageStatus;
import org.pipelinekit.core.engine.Principal;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.core.testing.Runs;
import org.pipelinekit.core.testing.StageLogs;

/** A stage's artifacts through the real engine, with real processes. */
class ArtifactsInEngineTest {
  @TempDir Path dir;
  ArtifactManager artifacts;
  PipelineExecutor executor;
  final List<ExecutionEvent> events = Collections.synchronizedList(new ArrayList<>());

  @BeforeEach
  void open() {
    artifacts = ArtifactManager.builder(new FileArtifactStore(dir.resolve("artifacts")), AccessPolicy.allowAll())
        .maxArtifactBytes(10_000_000).build();
    executor = PipelineExecutor.builder().interceptor(artifacts.interceptor()).dataDirectory(dir.resolve("data")).build();
  }

  @AfterEach
  void close() {
    executor.close();
    artifacts.close();
  }

  private ExecutionSnapshot run(Pipeline p) {
    return Runs.runAndHearAll(executor, p, events);
  }

  private List<String> log(ExecutionSnapshot done, String stage) {
    return StageLogs.of(executor, done, stage);
  }

  @Test
  void stagesStoreTheirArtifacts_withEvents_andStagesThatNeedThemFindTheFiles() throws Exception {
    Pipeline p = Pipeline.builder("ship")
        .stage("build", s -> s.run("mkdir -p target && echo 'the jar' > target/app.jar && echo notes > target/notes.txt")
            .artifacts(a -> a.name("service-jar").path("target/*.jar")))
        .stage("docs", s -> s.run("mkdir -p site/css && echo '<h1>' > site/index.html && echo 'h1{}' > site/css/a.css")
            .artifacts(a -> a.path("site/**")))
        .stage("tests", s -> s.matrix(m -> m.axis("jdk", "17", "21")).run("echo ok > report-${{ matrix.jdk }}.xml")
            .artifacts(a -> a.path("report-${{ matrix.jdk }}.xml")))
        .stage("clean", s -> s.needs("build").run("rm -rf target"))
        .stage("deploy", s -> s.needs("build", "clean").run("cat target/app.jar; [ ! -e target/notes.txt ] && echo no-notes"))
        .build();
    ExecutionSnapshot done = run(p);
    assertThat(done.status()).as(String.valueOf(done.reason())).isEqualTo(ExecutionStatus.SUCCEEDED);
    List<ArtifactRecord> stored = artifacts.list(done.id());
    assertThat(stored).extracting(ArtifactRecord::name)
        .containsExactlyInAnyOrder("service-jar", "docs", "tests[jdk=17]", "tests[jdk=21]");
    ArtifactRecord jar = stored.stream().filter(r -> r.name().equals("service-jar")).findFirst().orElseThrow();
    assertThat(jar.kind()).isEqualTo(ArtifactRecord.Kind.FILE);
    assertThat(jar.labels()).containsEntry("path", "target/app.jar");
    try (InputStream in = artifacts.get(jar.id(), Principal.of("anyone"))) {
      assertThat(new String(in.readAllBytes())).isEqualTo("the jar\n");
    }
    assertThat(stored.stream().filter(r -> r.name().equals("docs")).findFirst().orElseThrow().kind()).isEqualTo(ArtifactRecord.Kind.TAR);
    List<ExecutionEvent.ArtifactStored> events = this.events.stream().filter(e -> e instanceof ExecutionEvent.ArtifactStored)
        .map(e -> (ExecutionEvent.ArtifactStored) e).toList();
    assertThat(events).hasSize(4);
    ExecutionEvent.ArtifactStored jarEvent = events.stream().filter(e -> e.name().equals("service-jar")).findFirst().orElseThrow();
    assertThat(jarEvent.stageId()).isEqualTo("build");
    assertThat(jarEvent.size()).isEqualTo(8);
    assertThat(jarEvent.digest()).isEqualTo(jar.digest());
    assertThat(jarEvent.url()).isEqualTo("/artifacts/" + jar.id());
    assertThat(log(done, "build")).anyMatch(l -> l.startsWith("artifact service-jar: 1 file, 0.0 MB, sha256:"));
    // each job has its own workspace: clean cannot remove what deploy gets, and deploy gets build's artifact, not its other files
    assertThat(log(done, "deploy")).contains("the jar", "no-notes");

    // in one shared workspace, clean does remove target/; deploy needs build, so the store puts the jar back before it runs
    ExecutionSnapshot shared = run(p.toBuilder().workspace(org.pipelinekit.core.model.WorkspaceMode.SHARED).build());
    assertThat(shared.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(log(shared, "deploy")).contains("restored 1 file(s) of artifact service-jar from stage build", "the jar");
  }

  @Test
  void anArtifactWhenOnFailure_isStoredFromAFailedJobOnly_andAlwaysFromEither() {
    ExecutionSnapshot done = run(Pipeline.builder("reports")
        .stage("failing", s -> s.run("echo broken > report.xml; exit 1").artifacts(a -> a.name("failing-report").path("report.xml")
            .when(org.pipelinekit.core.model.ArtifactWhen.ON_FAILURE)))
        .stage("passing", s -> s.run("echo fine > report.xml").artifacts(a -> a.name("passing-report").path("report.xml")
            .when(org.pipelinekit.core.model.ArtifactWhen.ON_FAILURE)))
        .stage("either", s -> s.run("echo any > report.xml; exit 2").artifacts(a -> a.name("either-report").path("report.xml")
            .when(org.pipelinekit.core.model.ArtifactWhen.ALWAYS)))
        .build());
    assertThat(done.stage("failing").status()).isEqualTo(StageStatus.FAILED);
    assertThat(done.stage("failing").reason()).contains("step 1 (echo broken > report.xml; exit 1) exited with 1");
    assertThat(artifacts.list(done.id())).extracting(ArtifactRecord::name).containsExactlyInAnyOrder("failing-report", "either-report");
  }

  @Test
  void anArtifactOverItsLimitFailsTheStageSayingWhy() {
    Pipeline p = Pipeline.builder("big")
        .stage("dump", s -> s.run("head -c 20000000 /dev/zero > dump.bin").artifacts(a -> a.path("dump.bin")))
        .build();
    ExecutionSnapshot done = run(p);
    assertThat(done.status()).isEqualTo(ExecutionStatus.FAILED);
    assertThat(done.stage("dump").reason().orElseThrow()).contains("artifact dump not stored")
        .contains("larger than the limit of 9.5 MiB per artifact");
    assertThat(artifacts.list(done.id())).isEmpty();
  }

  @Test
  void aLinkToAFileOutsideTheWorkspace_isNotStored_andTheStageSaysWhy() throws Exception {
    ExecutionSnapshot done = run(Pipeline.builder("links")
        .stage("leak", s -> s.run("ln -s /etc/hostname host; mkdir -p dist; echo in > dist/in.txt")
            .artifacts(a -> a.name("leak").path("host", "dist")))
        .build());
    assertThat(done.stage("leak").status()).isEqualTo(StageStatus.FAILED);
    assertThat(done.stage("leak").reason().orElseThrow()).contains("artifact leak not stored")
        .contains("host is a link to a file outside the workspace");
    assertThat(artifacts.list(done.id())).isEmpty();
    try (var kept = java.nio.file.Files.walk(dir.resolve("data/runs").resolve(done.id()).resolve("jobs"))) { // the failed job's, kept
      for (java.nio.file.Path link : kept.filter(java.nio.file.Files::isSymbolicLink).toList()) java.nio.file.Files.delete(link); // not for @TempDir to follow
    }

    ExecutionSnapshot inside = run(Pipeline.builder("inside")
        .stage("fine", s -> s.run("mkdir -p dist; echo in > dist/in.txt; ln -s in.txt dist/inside.txt").artifacts(a -> a.path("dist")))
        .build());
    assertThat(inside.stage("fine").status()).as(inside.stage("fine").reason().orElse("")).isEqualTo(StageStatus.SUCCEEDED);
    assertThat(artifacts.list(inside.id())).extracting(ArtifactRecord::name).containsExactly("fine");
  }
}
