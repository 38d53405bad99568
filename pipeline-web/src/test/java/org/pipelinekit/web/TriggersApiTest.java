package org.pipelinekit.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.pipelinekit.web.ApiServer.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pipelinekit.triggers.Triggers;
import org.pipelinekit.web.analytics.PipelineAnalytics;

/**
 * The triggers through HTTP: a repository registered through the API, a GitHub push delivered to
 * {@code api/v1/hooks/github/{repository}} with its signature (no bearer token) starting one run of the commit, the same
 * delivery again none, a wrong signature 401, an unknown repository 404; the deliveries, the pipeline's triggers and the
 * run's commit, message and author as the API shows them.
 */
class TriggersApiTest {
  private static final String SECRET = "hook-secret";
  @TempDir Path dir;
  private ApiServer server;
  private Triggers triggers;

  @AfterEach
  void close() throws Exception {
    if (triggers != null) triggers.close();
    if (server != null) server.close();
  }

  private static String git(Path in, String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of("git", "-c", "user.name=Ada Lovelace", "-c", "user.email=ada@example.com"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).directory(in.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0).as("git %s: %s", String.join(" ", args), out).isTrue();
    return out.strip();
  }

  private static String hmac(byte[] body) throws Exception {
    javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
    mac.init(new javax.crypto.spec.SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return "sha256=" + java.util.HexFormat.of().formatHex(mac.doFinal(body));
  }

  @Test
  void aSignedGitHubPushThroughHttpStartsOneRunOfTheCommit() throws Exception {
    Path mirrors = dir.resolve("mirrors");
    server = new ApiServer(dir, PipelineAnalytics.builder(), Duration.ofSeconds(15), b -> b.sourceProvider(Triggers.sourceProvider(mirrors)),
        (sb, service, executor) -> {
          triggers = Triggers.builder(executor, service).mirrors(mirrors).scheduleTick(Duration.ZERO)
              .secrets(new org.pipelinekit.core.secret.InMemorySecretStore(Map.of())).build();
          sb.triggers(triggers);
        });
    Path origin = dir.resolve("origin.git");
    git(dir, "init", "--bare", "-b", "main", origin.toString());
    Path work = Files.createDirectories(dir.resolve("work"));
    git(work, "init", "-b", "main");
    Files.createDirectories(work.resolve(".pipelinekit"));
    Files.writeString(work.resolve(".pipelinekit/ci.yml"), """
        pipelinekit: 1
        id: shop-ci
        triggers:
          - push: { branches: [main] }
        stages:
          - id: build
            steps:
              - run: echo "at $(git rev-parse HEAD)"
        """);
    git(work, "add", "-A");
    git(work, "commit", "-m", "first");
    git(work, "push", origin.toString(), "main");

    ApiServer.Response registered = server.post("/repositories", "admin-token", "{\"id\": \"shop\", \"url\": \"" + origin
        + "\", \"pollSeconds\": 0, \"webhookSecret\": \"" + SECRET + "\"}");
    assertThat(registered.status()).as(registered.body()).isEqualTo(201);
    assertThat(server.post("/repositories", "reader-token", "{\"id\": \"x\", \"url\": \"/nowhere\"}").status()).isEqualTo(403);

    String before = git(work, "rev-parse", "HEAD");
    Files.writeString(work.resolve("app.txt"), "two\n");
    git(work, "add", "-A");
    git(work, "commit", "-m", "the second commit");
    git(work, "push", origin.toString(), "main");
    String sha = git(work, "rev-parse", "HEAD");
    String body = "{\"ref\": \"refs/heads/main\", \"before\": \"" + before + "\", \"after\": \"" + sha + "\", \"pusher\": {\"name\": \"ada\"}}";
    Map<String, String> h = Map.of("X-GitHub-Event", "push", "X-GitHub-Delivery", "d-1", "X-Hub-Signature-256",
        hmac(body.getBytes(StandardCharsets.UTF_8)));
    ApiServer.Response hook = server.send("POST", "/hooks/github/shop", null, "application/json", body, h);
    assertThat(hook.status()).as(hook.body()).isEqualTo(202);
    String id = json(hook).path("delivery").path("started").get(0).asText();
    server.executor.execution(id).orElseThrow().completion().get(60, TimeUnit.SECONDS);
    JsonNode run = json(server.get("/executions/" + id, "reader-token"));
    assertThat(run.path("status").asText()).isEqualTo("SUCCEEDED");
    assertThat(run.path("trigger").path("kind").asText()).isEqualTo("push");
    assertThat(run.path("trigger").path("commit").asText()).isEqualTo(sha);
    assertThat(run.path("trigger").path("message").asText()).isEqualTo("the second commit");
    assertThat(run.path("trigger").path("author").asText()).isEqualTo("Ada Lovelace");
    assertThat(server.get("/executions/" + id + "/logs/text", "reader-token").body()).contains("at " + sha);

    ApiServer.Response again = server.send("POST", "/hooks/github/shop", null, "application/json", body, h);
    assertThat(again.status()).isEqualTo(200);
    Map<String, String> forged = Map.of("X-GitHub-Event", "push", "X-GitHub-Delivery", "d-2", "X-Hub-Signature-256", "sha256=00");
    assertThat(server.send("POST", "/hooks/github/shop", null, "application/json", body, forged).status()).isEqualTo(401);
    assertThat(server.send("POST", "/hooks/github/nope", null, "application/json", body, h).status()).isEqualTo(404);
    assertThat(json(server.get("/pipelines/shop-ci/executions", "reader-token"))).hasSize(1);

    JsonNode deliveries = json(server.get("/deliveries", "reader-token"));
    assertThat(deliveries.get(0).path("source").asText()).isEqualTo("webhook:github");
    assertThat(deliveries.get(0).path("started").get(0).asText()).isEqualTo(id);
    JsonNode triggersOf = json(server.get("/pipelines/shop-ci/triggers", "reader-token"));
    assertThat(triggersOf.path("triggers").get(0).path("push").path("branches").get(0).asText()).isEqualTo("main");
    assertThat(triggersOf.path("deliveries")).hasSize(1);
  }
}
