package org.pipelinekit.triggers;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pipelinekit.core.engine.ExecutionSnapshot;
import org.pipelinekit.core.engine.PipelineExecutor;
import org.pipelinekit.core.run.ExecutionStatus;
import org.pipelinekit.core.service.PipelineService;
import org.pipelinekit.triggers.internal.Webhooks;

/**
 * Webhook deliveries in the forges' real shapes for a repository served by {@code git daemon}: a signed GitHub push
 * starts one run, the same delivery again none, a wrong signature gets 401 and an unknown repository 404; a GitLab merge
 * request with its token starts the pipeline's pull-request trigger, filtered on its base branch.
 */
class WebhookTest {
  private static final String SECRET = "s3cret-for-hooks";
  @TempDir Path dir;
  private GitServer server;
  private PipelineExecutor executor;
  private Triggers triggers;
  private PipelineService service;
  private Path work;
  private String url;

  @BeforeEach
  void start() throws Exception {
    server = new GitServer(dir.resolve("server"));
    url = server.create("shop");
    work = GitServer.workingCopy(dir.resolve("work"), url, """
        pipelinekit: 1
        id: shop-ci
        triggers:
          - push: { branches: [main] }
          - pull-request: { branches: [main] }
        stages:
          - id: build
            steps:
              - run: git rev-parse HEAD
        """);
    Path mirrors = dir.resolve("mirrors");
    service = PipelineService.builder().build();
    executor = PipelineExecutor.builder().runDirectory(dir.resolve("runs")).sourceProvider(Triggers.sourceProvider(mirrors)).build();
    triggers = Triggers.builder(executor, service).mirrors(mirrors).scheduleTick(Duration.ZERO).build();
    triggers.register(new GitRepository("shop", url, "main", Optional.of(SECRET), Duration.ZERO));
  }

  @AfterEach
  void close() throws Exception {
    triggers.close();
    executor.close();
    server.close();
  }

  private String commit(String file, String message) throws Exception {
    Files.writeString(work.resolve(file), message + "\n");
    GitServer.git(work, "add", "-A");
    GitServer.git(work, "commit", "-m", message);
    return GitServer.git(work, "rev-parse", "HEAD");
  }

  private static java.util.function.Function<String, Optional<String>> headers(Map<String, String> h) {
    return name -> h.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue).findFirst();
  }

  private ExecutionSnapshot finished(String id) throws Exception {
    return executor.execution(id).orElseThrow().completion().get(60, TimeUnit.SECONDS);
  }

  @Test
  void aSignedGitHubPushStartsOneRun_theSameDeliveryAgainNone_aWrongSignature401_anUnknownRepository404() throws Exception {
    String before = GitServer.git(work, "rev-parse", "HEAD");
    String sha = commit("app.txt", "change");
    GitServer.git(work, "push", url, "main");
    byte[] body = ("{\"ref\": \"refs/heads/main\", \"before\": \"" + before + "\", \"after\": \"" + sha + "\", \"deleted\": false,"
        + " \"compare\": \"https://github.com/acme/shop/compare/" + before.substring(0, 12) + "..." + sha.substring(0, 12) + "\","
        + " \"pusher\": {\"name\": \"ada\"}, \"head_commit\": {\"id\": \"" + sha + "\", \"message\": \"change\"}}").getBytes(StandardCharsets.UTF_8);
    Map<String, String> h = Map.of("X-GitHub-Event", "push", "X-GitHub-Delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958",
        "X-Hub-Signature-256", "sha256=" + Webhooks.hmac(SECRET, body));

    Triggers.WebhookResult first = triggers.webhook("github", "shop", headers(h), body);
    assertThat(first.status()).as(first.message()).isEqualTo(202);
    assertThat(first.delivery().orElseThrow().started()).hasSize(1);
    ExecutionSnapshot run = finished(first.delivery().get().started().get(0));
    assertThat(run.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(run.header().trigger().commit()).contains(sha);
    assertThat(run.header().trigger().details()).containsEntry("compareUrl", "https://github.com/acme/shop/compare/" + before.substring(0, 12)
        + "..." + sha.substring(0, 12)).containsEntry("pusher", "ada");

    Triggers.WebhookResult again = triggers.webhook("github", "shop", headers(h), body);
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.message()).contains("was handled before");
    assertThat(executor.executions("shop-ci", 10)).hasSize(1);

    Map<String, String> forged = new java.util.HashMap<>(h);
    forged.put("X-GitHub-Delivery", "another-delivery");
    forged.put("X-Hub-Signature-256", "sha256=" + Webhooks.hmac("not-the-secret", body));
    Triggers.WebhookResult refused = triggers.webhook("github", "shop", headers(forged), body);
    assertThat(refused.status()).isEqualTo(401);
    assertThat(refused.message()).isEqualTo("the X-Hub-Signature-256 signature does not match the body and the repository's webhook secret");
    assertThat(triggers.webhook("github", "nope", headers(h), body).status()).isEqualTo(404);
    assertThat(executor.executions("shop-ci", 10)).hasSize(1);
  }

  @Test
  void aGitLabMergeRequestStartsThePullRequestTrigger_forItsBaseBranchOnly() throws Exception {
    GitServer.git(work, "checkout", "-b", "feature");
    String head = commit("feature.txt", "a feature");
    GitServer.git(work, "push", url, "feature");
    String body = "{\"object_kind\": \"merge_request\", \"user\": {\"username\": \"ada\"}, \"object_attributes\": {\"iid\": 7,"
        + " \"action\": \"open\", \"source_branch\": \"feature\", \"target_branch\": \"%s\", \"url\": \"https://gitlab.example.com/acme/shop/-/merge_requests/7\","
        + " \"last_commit\": {\"id\": \"" + head + "\"}}}";
    Map<String, String> h = Map.of("X-Gitlab-Event", "Merge Request Hook", "X-Gitlab-Token", SECRET, "X-Gitlab-Event-UUID", "mr-7-open");
    Triggers.WebhookResult opened = triggers.webhook("gitlab", "shop", headers(h), body.formatted("main").getBytes(StandardCharsets.UTF_8));
    assertThat(opened.status()).as(opened.message()).isEqualTo(202);
    ExecutionSnapshot run = finished(opened.delivery().orElseThrow().started().get(0));
    assertThat(run.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(run.header().trigger().kind()).isEqualTo("pull-request");
    assertThat(run.header().trigger().commit()).contains(head);
    assertThat(run.header().trigger().details()).containsEntry("pullRequest", "7").containsEntry("baseBranch", "main");

    Map<String, String> other = Map.of("X-Gitlab-Event", "Merge Request Hook", "X-Gitlab-Token", SECRET, "X-Gitlab-Event-UUID", "mr-8-open");
    Triggers.WebhookResult toRelease = triggers.webhook("gitlab", "shop", headers(other), body.formatted("release").getBytes(StandardCharsets.UTF_8));
    assertThat(toRelease.delivery().orElseThrow().started()).isEmpty();
    assertThat(toRelease.message()).contains("shop-ci: base branch release matches none of [main]");
    Map<String, String> wrongToken = Map.of("X-Gitlab-Event", "Merge Request Hook", "X-Gitlab-Token", "guess", "X-Gitlab-Event-UUID", "mr-9");
    assertThat(triggers.webhook("gitlab", "shop", headers(wrongToken), body.formatted("main").getBytes(StandardCharsets.UTF_8)).status())
        .isEqualTo(401);
  }
}
