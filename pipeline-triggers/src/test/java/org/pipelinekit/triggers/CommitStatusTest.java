package org.pipelinekit.triggers;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pipelinekit.core.engine.PipelineExecutor;
import org.pipelinekit.core.secret.InMemorySecretStore;
import org.pipelinekit.core.service.PipelineService;

/**
 * Results back to the forge: a run of a pushed commit posts its status when it starts and when it ends, with the link to
 * the run, to a loopback receiver that checks the request each API documents (GitHub's statuses API, GitLab's commit
 * status API).
 */
class CommitStatusTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;
  private HttpServer forge;
  private PipelineExecutor executor;
  private Triggers triggers;

  record Posted(String method, String path, Map<String, String> headers, JsonNode body) {}

  @AfterEach
  void close() {
    if (triggers != null) triggers.close();
    if (executor != null) executor.close();
    if (forge != null) forge.stop(0);
  }

  private List<Posted> receiver(int expected, CompletableFuture<Void> all) throws Exception {
    List<Posted> posted = new CopyOnWriteArrayList<>();
    forge = HttpServer.create(new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
    forge.createContext("/", ex -> {
      Map<String, String> h = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
      ex.getRequestHeaders().forEach((k, v) -> h.put(k, v.get(0)));
      posted.add(new Posted(ex.getRequestMethod(), ex.getRequestURI().getRawPath(), h, JSON.readTree(ex.getRequestBody().readAllBytes())));
      byte[] answer = "{\"state\": \"ok\"}".getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(201, answer.length);
      ex.getResponseBody().write(answer);
      ex.close();
      if (posted.size() >= expected) all.complete(null);
    });
    forge.start();
    return posted;
  }

  private String repository(String script) throws Exception {
    Path origin = dir.resolve("origin.git");
    GitServer.git(dir, "init", "--bare", "-b", "main", origin.toString());
    GitServer.workingCopy(dir.resolve("work"), origin.toString(), """
        pipelinekit: 1
        id: shop-ci
        triggers:
          - push: { branches: [main] }
        stages:
          - id: build
            steps:
              - run: %s
        """.formatted(script));
    return origin.toString();
  }

  private String push() throws Exception {
    Path work = dir.resolve("work");
    Files.writeString(work.resolve("app.txt"), "change\n");
    GitServer.git(work, "add", "-A");
    GitServer.git(work, "commit", "-m", "change");
    GitServer.git(work, "push", dir.resolve("origin.git").toString(), "main");
    return GitServer.git(work, "rev-parse", "HEAD");
  }

  private void start(GitRepository repo) throws Exception {
    Path mirrors = dir.resolve("mirrors");
    executor = PipelineExecutor.builder().runDirectory(dir.resolve("runs")).sourceProvider(Triggers.sourceProvider(mirrors)).build();
    triggers = Triggers.builder(executor, PipelineService.builder().build()).mirrors(mirrors).scheduleTick(Duration.ZERO)
        .secrets(new InMemorySecretStore(Map.of("FORGE_TOKEN", "tok-123"))).executionLinks(id -> "https://ci.example.com/#/executions/" + id)
        .build();
    triggers.register(repo);
  }

  @Test
  void gitHub_getsPendingThenSuccess_withTheRunsLink_asItsStatusesApiDocuments() throws Exception {
    CompletableFuture<Void> both = new CompletableFuture<>();
    List<Posted> posted = receiver(2, both);
    String url = repository("echo ok");
    start(GitRepository.polled("shop", url, Duration.ZERO).withStatuses(new CommitStatuses("github",
        URI.create("http://127.0.0.1:" + forge.getAddress().getPort() + "/api/v3"), "acme/shop", "FORGE_TOKEN")));
    String sha = push();
    String run = triggers.poll("shop").get(0).started().get(0);
    both.get(60, TimeUnit.SECONDS);
    assertThat(posted).extracting(p -> p.body().path("state").asText()).containsExactly("pending", "success");
    for (Posted p : posted) {
      assertThat(p.method()).isEqualTo("POST");
      assertThat(p.path()).isEqualTo("/api/v3/repos/acme/shop/statuses/" + sha);
      assertThat(p.headers()).containsEntry("Authorization", "Bearer tok-123").containsEntry("Accept", "application/vnd.github+json")
          .containsEntry("X-GitHub-Api-Version", "2022-11-28").containsEntry("Content-Type", "application/json");
      assertThat(p.body().path("target_url").asText()).isEqualTo("https://ci.example.com/#/executions/" + run);
      assertThat(p.body().path("context").asText()).isEqualTo("pipelinekit/shop-ci");
      assertThat(p.body().path("description").asText().length()).isBetween(1, 140);
    }
    assertThat(posted.get(1).body().path("description").asText()).startsWith("succeeded in ");
  }

  @Test
  void gitLab_getsPendingThenFailed_asItsCommitStatusApiDocuments() throws Exception {
    CompletableFuture<Void> both = new CompletableFuture<>();
    List<Posted> posted = receiver(2, both);
    String url = repository("exit 3");
    start(new GitRepository("shop", url, "main", Optional.empty(), Duration.ZERO).withStatuses(new CommitStatuses("gitlab",
        URI.create("http://127.0.0.1:" + forge.getAddress().getPort() + "/api/v4/"), "acme/shop", "FORGE_TOKEN")));
    String sha = push();
    String run = triggers.poll("shop").get(0).started().get(0);
    both.get(60, TimeUnit.SECONDS);
    assertThat(posted).extracting(p -> p.body().path("state").asText()).containsExactly("pending", "failed");
    for (Posted p : posted) {
      assertThat(p.path()).isEqualTo("/api/v4/projects/acme%2Fshop/statuses/" + sha);
      assertThat(p.headers()).containsEntry("PRIVATE-TOKEN", "tok-123");
      assertThat(p.body().path("name").asText()).isEqualTo("pipelinekit/shop-ci");
      assertThat(p.body().path("target_url").asText()).isEqualTo("https://ci.example.com/#/executions/" + run);
    }
    assertThat(posted.get(1).body().path("description").asText()).startsWith("failed: stage 'build' failure");
  }
}
