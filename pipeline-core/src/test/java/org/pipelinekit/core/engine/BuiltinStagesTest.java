package org.pipelinekit.core.engine;

import org.pipelinekit.core.run.ExecutionStatus;
import org.pipelinekit.core.run.LogLine;
import org.pipelinekit.core.run.StageStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.pipelinekit.core.engine.EngineTesting.await;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pipelinekit.core.model.Pipeline;

/** The built-in stage types, run for real: unit-tests reports, git-clone (JGit), webhook (HTTP), and honest refusals. */
class BuiltinStagesTest {
  @TempDir Path dir;
  PipelineExecutor executor;

  @BeforeEach
  void open() {
    executor = PipelineExecutor.builder().dataDirectory(dir.resolve("data")).build();
  }

  @AfterEach
  void close() {
    executor.close();
  }

  private static String report(int failures) {
    StringBuilder sb = new StringBuilder("<testsuite name=\"s\">");
    sb.append("<testcase name=\"a\"/><testcase name=\"b\"/>");
    for (int i = 0; i < failures; i++) sb.append("<testcase name=\"f").append(i).append("\"><failure message=\"x\"/></testcase>");
    return sb.append("</testsuite>").toString();
  }

  @Test
  void unitTests_readsReportsAndCoverage_andGatesOnTheThreshold() throws Exception {
    String write = "mkdir -p target/surefire-reports && printf '%s' '" + report(0) + "' > target/surefire-reports/TEST-a.xml"
        + " && printf '<coverage line-rate=\"0.9\"></coverage>' > cov.xml";
    Pipeline ok = Pipeline.builder("tests-ok")
        .stage("test", s -> s.type("unit-tests").with("command", write).with("coverage_file", "cov.xml").with("coverage_threshold", 85))
        .stage("gate", s -> s.needs("test").when("stages.test.outputs.coverage >= 85 && stages.test.outputs.passed == 'true'")
            .run("echo gate open at ${{ stages.test.outputs.coverage }}%"))
        .build();
    Execution e = executor.execute(ok);
    ExecutionSnapshot done = await(e);
    assertThat(done.stage("test").outputs()).containsEntry("tests", "2").containsEntry("failures", "0")
        .containsEntry("coverage", "90.00").containsEntry("passed", "true");
    assertThat(e.logs().read("gate", 1, 10)).extracting(LogLine::text).contains("gate open at 90.00%");

    Pipeline low = Pipeline.builder("tests-low")
        .stage("test", s -> s.type("unit-tests").with("command", write).with("coverage_file", "cov.xml").with("coverage_threshold", 95))
        .build();
    Execution e2 = executor.execute(low);
    ExecutionSnapshot lowDone = await(e2);
    assertThat(lowDone.stage("test").status()).isEqualTo(StageStatus.FAILED);
    assertThat(lowDone.stage("test").outputs()).containsEntry("passed", "false");
    assertThat(e2.logs().read("test", 1, 100)).extracting(LogLine::text).contains("error: coverage 90.00% is below the threshold of 95.0%");
  }

  @Test
  void unitTests_failingTestsFailTheStageButTheReportIsStillRead() throws Exception {
    String write = "mkdir -p r && printf '%s' '" + report(2) + "' > r/TEST-x.xml; exit 1";
    Pipeline p = Pipeline.builder("tests-fail")
        .stage("test", s -> s.type("unit-tests").with("command", write)).build();
    ExecutionSnapshot done = await(executor.execute(p));
    assertThat(done.stage("test").status()).isEqualTo(StageStatus.FAILED);
    assertThat(done.stage("test").exitCode()).contains(1);
    assertThat(done.stage("test").outputs()).containsEntry("tests", "4").containsEntry("failures", "2").containsEntry("passed", "false");
  }

  @Test
  void gitClone_clonesALocalRepositoryWithJGit_andNamesAMissingBranch() throws Exception {
    Path origin = dir.resolve("origin");
    String commit;
    try (Git git = Git.init().setDirectory(origin.toFile()).setInitialBranch("main").call()) {
      Files.writeString(origin.resolve("README.md"), "hello from git\n");
      git.add().addFilepattern("README.md").call();
      commit = git.commit().setMessage("first").setAuthor("t", "t@example.org").setCommitter("t", "t@example.org").call().getName();
    }
    Pipeline p = Pipeline.builder("clone")
        .stage("src", s -> s.type("git-clone").with("repository", origin.toUri().toString()).with("directory", "src"))
        .stage("read", s -> s.needs("src").run("cat src/README.md; echo at ${{ stages.src.outputs.commit }}"))
        .build();
    Execution e = executor.execute(p);
    ExecutionSnapshot done = await(e);
    assertThat(done.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(done.stage("src").outputs()).containsEntry("commit", commit);
    assertThat(e.logs().read("read", 1, 10)).extracting(LogLine::text).contains("hello from git", "at " + commit);

    Pipeline missing = Pipeline.builder("clone-missing")
        .stage("src", s -> s.type("git-clone").with("repository", origin.toUri().toString()).with("branch", "nope")).build();
    Execution e2 = executor.execute(missing);
    assertThat(await(e2).stage("src").status()).isEqualTo(StageStatus.FAILED);
    assertThat(e2.logs().read("src", 1, 100)).extracting(LogLine::text)
        .anySatisfy(l -> assertThat(l).startsWith("error: cannot clone").contains("nope"));
  }

  @Test
  void webhook_postsAndFailsOnErrorStatuses() throws Exception {
    List<String> bodies = new CopyOnWriteArrayList<>();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/hook", ex -> {
      bodies.add(ex.getRequestMethod() + " " + ex.getRequestHeaders().getFirst("X-Token") + " "
          + new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      ex.sendResponseHeaders(ex.getRequestURI().getQuery() != null ? 503 : 204, -1);
      ex.close();
    });
    server.start();
    try {
      String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
      Pipeline p = Pipeline.builder("hook")
          .stage("notify", s -> s.type("webhook").with("url", url).with("headers", Map.of("X-Token", "t1"))
              .with("body", "{\"execution\":\"${{ execution.id }}\"}"))
          .stage("broken", s -> s.type("webhook").with("url", url + "?fail=1"))
          .build();
      Execution e = executor.execute(p);
      ExecutionSnapshot done = await(e);
      assertThat(done.stage("notify").status()).isEqualTo(StageStatus.SUCCEEDED);
      assertThat(done.stage("notify").outputs()).containsEntry("status", "204");
      assertThat(bodies).contains("POST t1 {\"execution\":\"" + e.id() + "\"}");
      assertThat(done.stage("broken").status()).isEqualTo(StageStatus.FAILED);
      assertThat(done.stage("broken").outputs()).containsEntry("status", "503");
    } finally {
      server.stop(0);
    }
  }

  @Test
  void typesThatNeedWhatIsNotHereFailSayingWhat() throws Exception {
    Pipeline p = Pipeline.builder("missing-parts")
        .stage("image", s -> s.type("docker-build").with("tags", List.of("app:1")))
        .stage("deploy", s -> s.type("deploy-cloud").with("provider", "aws").with("region", "eu-west-1").with("service", "api"))
        .stage("it", s -> s.type("integration-tests").with("test_command", "make it")
            .with("services", List.of(Map.of("name", "db", "image", "postgres:16"))))
        .build();
    ExecutionSnapshot done = await(executor.execute(p));
    assertThat(done.stage("image").status()).isEqualTo(StageStatus.FAILED);
    assertThat(done.stage("image").reason().orElseThrow()).contains("docker-build needs the Docker runner").contains("pipeline-docker");
    assertThat(done.stage("deploy").reason().orElseThrow()).contains("deploy-cloud has no deployment integration yet");
    assertThat(done.stage("it").reason().orElseThrow()).contains("service containers need the Docker runner");
  }
}
