package org.pipelinekit.triggers;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pipelinekit.core.engine.ExecutionSnapshot;
import org.pipelinekit.core.engine.PipelineExecutor;
import org.pipelinekit.core.run.ExecutionEvent;
import org.pipelinekit.core.run.ExecutionStatus;
import org.pipelinekit.core.run.LogLine;
import org.pipelinekit.core.service.PipelineService;

/**
 * A repository served by a real {@code git daemon} on loopback: a commit pushed to main starts the pipeline of its
 * {@code .pipelinekit/} within the poll interval, and the run builds that commit; a push that only touches docs/ starts
 * nothing for a pipeline filtered on src/**, and says why.
 */
class PushTriggerTest {
  @TempDir Path dir;
  private GitServer server;
  private PipelineExecutor executor;
  private Triggers triggers;

  @AfterEach
  void close() throws Exception {
    if (triggers != null) triggers.close();
    if (executor != null) executor.close();
    if (server != null) server.close();
  }

  @Test
  void aCommitPushedToMainStartsItsPipelineAtThatCommit_andAPushOutsideItsPathsStartsNothing() throws Exception {
    server = new GitServer(dir.resolve("server"));
    String url = server.create("shop");
    Path work = GitServer.workingCopy(dir.resolve("work"), url, """
        pipelinekit: 1
        id: shop-ci
        triggers:
          - push: { branches: [main], paths: ["src/**", ".pipelinekit/**"] }
        stages:
          - id: build
            steps:
              - run: echo "built $(git rev-parse HEAD)"; cat src/app.txt
        """, "src/app.txt", "version one\n");

    Path mirrors = dir.resolve("mirrors");
    PipelineService service = PipelineService.builder().build();
    executor = PipelineExecutor.builder().runDirectory(dir.resolve("runs")).sourceProvider(Triggers.sourceProvider(mirrors)).build();
    Map<String, CompletableFuture<ExecutionSnapshot>> finished = new ConcurrentHashMap<>();
    executor.listen(e -> {
      if (e instanceof ExecutionEvent.ExecutionFinished f) {
        finished.computeIfAbsent("any", k -> new CompletableFuture<>()).complete(executor.execution(f.executionId()).orElseThrow().snapshot());
      }
    });
    triggers = Triggers.builder(executor, service).mirrors(mirrors).scheduleTick(Duration.ZERO).build();
    Map<String, CompletableFuture<Delivery>> bySha = new ConcurrentHashMap<>();
    triggers.onDelivery(d -> bySha.computeIfAbsent(d.summary().substring(d.summary().length() - 12), k -> new CompletableFuture<>()).complete(d));
    triggers.register(GitRepository.polled("shop", url, Duration.ofMillis(200)));

    // what was there when the repository was registered is the baseline: it starts nothing
    Files.writeString(work.resolve("src/app.txt"), "version two\n");
    GitServer.git(work, "commit", "-am", "change the app");
    GitServer.git(work, "push", url, "main");
    String pushed = GitServer.git(work, "rev-parse", "HEAD");
    Delivery delivery = bySha.computeIfAbsent(pushed.substring(0, 12), k -> new CompletableFuture<>()).get(30, TimeUnit.SECONDS);
    assertThat(delivery.event()).isEqualTo("push");
    assertThat(delivery.started()).hasSize(1);
    ExecutionSnapshot run = finished.computeIfAbsent("any", k -> new CompletableFuture<>()).get(60, TimeUnit.SECONDS);
    assertThat(run.status()).as("%s %s", run.reason(), executor.execution(run.id()).orElseThrow().logs().read("build", 1, 100))
        .isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(run.header().trigger().commit()).contains(pushed);
    assertThat(run.header().trigger().branch()).contains("main");
    assertThat(run.header().trigger().details()).containsEntry("message", "change the app").containsEntry("author", "Ada Lovelace")
        .containsEntry("repository", "shop");
    assertThat(executor.execution(run.id()).orElseThrow().logs().read("build", 1, 100)).extracting(LogLine::text)
        .contains("built " + pushed, "version two");
    assertThat(service.get("shop-ci")).as("the pipeline is kept in the store as the default branch has it").isPresent();

    Files.createDirectories(work.resolve("docs"));
    Files.writeString(work.resolve("docs/readme.md"), "docs only\n");
    GitServer.git(work, "add", "-A");
    GitServer.git(work, "commit", "-m", "docs");
    GitServer.git(work, "push", url, "main");
    String docs = GitServer.git(work, "rev-parse", "HEAD");
    Delivery none = bySha.computeIfAbsent(docs.substring(0, 12), k -> new CompletableFuture<>()).get(30, TimeUnit.SECONDS);
    assertThat(none.started()).isEmpty();
    assertThat(none.skipped()).singleElement().asString().startsWith("shop-ci: no changed file matches paths [src/**, .pipelinekit/**]")
        .contains("docs/readme.md");
  }
}
