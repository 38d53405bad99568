package org.pipelinekit.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.pipelinekit.core.engine.EngineTesting.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.core.run.ExecutionStatus;
import org.pipelinekit.core.run.LogLine;
import org.pipelinekit.core.run.StageStatus;

/** Jobs in workspaces of their own: the source and the files of the stages they depend on, nothing else. */
class WorkspacesTest {
  @TempDir Path dir;

  private static List<String> log(Execution e, String stage) {
    return e.logs().read(stage, 1, 1000).stream().map(LogLine::text).toList();
  }

  @Test
  void aJobSeesOnlyTheSourceAndWhatTheStagesItNeedsHandedOn() throws Exception {
    Path source = Files.createDirectories(dir.resolve("src"));
    Files.writeString(source.resolve("README"), "the source\n");
    Path go = dir.resolve("go");
    try (PipelineExecutor ex = PipelineExecutor.builder().dataDirectory(dir.resolve("data")).source(source).build()) {
      Pipeline p = Pipeline.builder("isolated")
          // build and lint run at once; lint waits until build has written both files
          .stage("build", s -> s.artifacts(a -> a.path("dist")).run("mkdir dist && echo jar > dist/app.jar && echo scratch > notes.txt"
              + " && touch '" + go + "'"))
          .stage("lint", s -> s.run("while [ ! -f '" + go + "' ]; do sleep 0.02; done; ls; [ ! -e notes.txt ] && [ ! -e dist ] && echo lint-sees-no-build-files"))
          .stage("test", s -> s.needs("build").run("cat README dist/app.jar; [ ! -e notes.txt ] && echo no-notes; echo more >> README"))
          .stage("alone", s -> s.needs("build").dependencies().run("ls; [ ! -e dist ] && echo alone-sees-no-artifacts"))
          .build();
      Execution e = ex.execute(p);
      ExecutionSnapshot done = await(e);
      assertThat(done.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
      assertThat(log(e, "lint")).contains("lint-sees-no-build-files").doesNotContain("notes.txt");
      assertThat(log(e, "test")).contains("the source", "jar", "no-notes");
      assertThat(log(e, "alone")).contains("README", "alone-sees-no-artifacts");
      assertThat(Files.readString(source.resolve("README"))).as("the source is copied, never written").isEqualTo("the source\n");
      assertThat(dir.resolve("data/runs").resolve(e.id()).resolve("jobs/build")).as("a succeeded job's directory is removed").isEmptyDirectory();
    }
  }

  @Test
  void parallelStagesCannotBreakEachOther_andAFailedJobsWorkspaceIsKeptForDebugging() throws Exception {
    try (PipelineExecutor ex = PipelineExecutor.builder().dataDirectory(dir).build()) {
      Pipeline p = Pipeline.builder("parallel")
          .stage("one", s -> s.artifacts(a -> a.path("target")).run("mkdir target && echo one > target/out && sleep 0.3 && cat target/out"))
          .stage("two", s -> s.run("rm -rf target; mkdir target; echo two > target/out; echo left-behind > debug.txt; exit 4"))
          .build();
      Execution e = ex.execute(p);
      ExecutionSnapshot done = await(e);
      assertThat(done.stage("one").status()).isEqualTo(StageStatus.SUCCEEDED);
      assertThat(log(e, "one")).contains("one").doesNotContain("two");
      assertThat(done.stage("two").status()).isEqualTo(StageStatus.FAILED);
      try (Stream<Path> files = Files.walk(dir.resolve("runs").resolve(e.id()).resolve("jobs/two"))) {
        assertThat(files.map(f -> f.getFileName().toString())).contains("debug.txt");
      }
    }
  }

  @Test
  void aGitCloneStageHandsItsCheckoutOnToTheStagesAfterIt() throws Exception {
    Path repo = Files.createDirectories(dir.resolve("repo"));
    try (Git git = Git.init().setDirectory(repo.toFile()).setInitialBranch("main").call()) {
      Files.writeString(repo.resolve("pom.xml"), "<project/>\n");
      git.add().addFilepattern(".").call();
      git.commit().setMessage("first").setAuthor("t", "t@example.org").setCommitter("t", "t@example.org").setSign(false).call();
    }
    try (PipelineExecutor ex = PipelineExecutor.builder().dataDirectory(dir.resolve("data")).build()) {
      Pipeline p = Pipeline.builder("cloned")
          .stage("checkout", s -> s.type("git-clone").with("repository", repo.toUri().toString()).with("branch", "main"))
          .stage("build", s -> s.needs("checkout").run("cat pom.xml && git log --format=%s"))
          .stage("test", s -> s.needs("build").run("ls pom.xml"))
          .build();
      Execution e = ex.execute(p);
      assertThat(await(e).status()).isEqualTo(ExecutionStatus.SUCCEEDED);
      assertThat(log(e, "build")).contains("<project/>", "first");
      assertThat(log(e, "test")).contains("pom.xml");
    }
  }

  @Test
  void aReRunStageThatNowHandsNothingOn_leavesNothingOfItsOldHandOff() throws Exception {
    Path marker = Files.writeString(dir.resolve("make-jar"), "");
    try (PipelineExecutor ex = PipelineExecutor.builder().dataDirectory(dir.resolve("data")).build()) {
      Pipeline p = Pipeline.builder("rerun-handoff")
          .stage("build", s -> s.artifacts(a -> a.path("dist")).run("if [ -f '" + marker + "' ]; then mkdir dist && echo jar > dist/app.jar; fi"))
          .stage("test", s -> s.needs("build").run("if [ -e dist/app.jar ]; then echo has-jar; else echo no-jar; fi"))
          .build();
      Execution first = ex.execute(p);
      assertThat(await(first).status()).isEqualTo(ExecutionStatus.SUCCEEDED);
      assertThat(log(first, "test")).contains("has-jar");

      Files.delete(marker);
      Execution again = ex.rerun(first.id(), "build");
      assertThat(await(again).status()).isEqualTo(ExecutionStatus.SUCCEEDED);
      assertThat(log(again, "test")).as("the re-run build handed nothing on; the old jar is gone").contains("no-jar");
      assertThat(dir.resolve("data/runs").resolve(again.id()).resolve("handoff/build/0")).doesNotExist();
    }
  }

  @Test
  void aMatrixStageSomeOfWhoseJobsHandNothingOn_stillHandsOnTheOthersFiles() throws Exception {
    try (PipelineExecutor ex = PipelineExecutor.builder().dataDirectory(dir.resolve("data")).maxParallelJobs(1).build()) {
      Pipeline p = Pipeline.builder("matrix-handoff")
          .stage("build", s -> s.matrix(m -> m.axis("os", "a", "b", "c")).artifacts(a -> a.path("out"))
              .run("if [ \"${{ matrix.os }}\" = b ]; then mkdir out && echo from-b > out/b.txt; fi"))
          .stage("nothing", s -> s.run("true"))
          .stage("use", s -> s.needs("build", "nothing").run("cat out/b.txt"))
          .build();
      Execution e = ex.execute(p);
      assertThat(await(e).status()).isEqualTo(ExecutionStatus.SUCCEEDED);
      assertThat(log(e, "use")).contains("from-b");
      assertThat(dir.resolve("data/runs").resolve(e.id()).resolve("handoff/nothing")).as("a job that hands nothing on keeps nothing").doesNotExist();
    }
  }
}
