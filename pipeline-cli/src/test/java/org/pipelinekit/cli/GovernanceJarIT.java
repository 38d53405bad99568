package org.pipelinekit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Governance with the jar, as an operator sets it up from a shell: a signing key, a signed pipeline, a secret, and
 * {@code serve --protected-branch main --trusted-keys}; then through the API a feature branch's run gets no secret, main's
 * does, a change made without signing again is refused, and the audit log has all of it.
 */
class GovernanceJarIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();
  private String base;

  @Test
  void protectedBranchesSignedPipelinesAndTheAuditLog(@TempDir Path dir) throws Exception {
    Path data = dir.resolve("data");
    Path pipelines = Files.createDirectories(dir.resolve("pipelines"));
    Path ship = pipelines.resolve("ship.yaml");
    Files.writeString(ship, """
        id: ship
        stages:
          - id: deploy
            steps:
              - run: 'if [ -n "${{ secrets.DEPLOY_TOKEN }}" ]; then echo "deploying with a token"; else echo "deploying without a token"; fi'
        """);
    JarCommands.jar(null, "keys", "generate", "team-a", "--dir", dir.resolve("keys").toString());
    JarCommands.jar(null, "sign", ship.toString(), "--key", dir.resolve("keys/team-a.key").toString());
    JarCommands.jar("t0k-5ecret", "secrets", "set", "DEPLOY_TOKEN", "--data-dir", data.toString());
    Files.delete(dir.resolve("keys/team-a.key")); // the server needs only the public key
    String viewer = JarCommands.token(JarCommands.jar(null, "users", "add", "vic", "--role", "viewer", "--data-dir", data.toString()));
    String runner = JarCommands.token(JarCommands.jar(null, "users", "add", "rob", "--role", "runner", "--data-dir", data.toString()));

    Process server = new ProcessBuilder(JarCommands.java(), "-jar", SharedDatabaseJarIT.JAR.toString(), "serve", "--port", "0", "--data-dir",
        data.toString(), "--pipelines", pipelines.toString(), "--token", "gov-token", "--protected-branch", "main",
        "--protected-branch", "release/*", "--trusted-keys", dir.resolve("keys").toString()).redirectErrorStream(true).start();
    StringBuilder said = new StringBuilder();
    try {
      BufferedReader lines = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
      for (String line = lines.readLine(); line != null && base == null; line = lines.readLine()) {
        said.append(line).append('\n');
        Matcher m = Pattern.compile("serving on (http://[0-9.:]+)/").matcher(line);
        if (m.find()) base = m.group(1) + "/api/v1";
      }
      assertThat(base).as(said.toString()).isNotNull();
      assertThat(said.toString()).contains("secrets go only to runs of protected branches [main, release/*]",
          "runs only pipelines signed by [team-a]");
      java.util.concurrent.CompletableFuture.runAsync(() -> lines.lines().forEach(l -> said.append(l).append('\n')));

      String feature = finished(execute("{\"branch\": \"feature/login\"}"));
      assertThat(logs(feature)).contains("deploying without a token", "secret DEPLOY_TOKEN is withheld (read as empty)")
          .doesNotContain("t0k-5ecret");
      String main = finished(execute("{\"branch\": \"main\"}"));
      assertThat(logs(main)).contains("deploying with a token");

      // a change through the API without signing again is kept, but does not run
      JsonNode stored = JSON.readTree(send("GET", "/pipelines/ship", null).body());
      String changed = stored.toString().replace("deploying with a token", "deploying with a token, and more");
      HttpResponse<String> put = send("PUT", "/pipelines/ship", changed);
      assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
      HttpResponse<String> refused = send("POST", "/pipelines/ship/execute", "{\"branch\": \"main\"}");
      assertThat(refused.statusCode()).isEqualTo(403);
      assertThat(JSON.readTree(refused.body()).path("detail").asText())
          .isEqualTo("pipeline ship does not match its signature by key 'team-a': it was changed after it was signed; sign it again with team-a.key");

      // roles: a viewer reads and may not run; a runner runs and may not change the pipeline or read the audit log
      assertThat(send("GET", "/pipelines/ship", null, viewer).statusCode()).isEqualTo(200);
      assertThat(send("POST", "/pipelines/ship/execute", "{\"branch\": \"feature/x\"}", viewer).statusCode()).isEqualTo(403);
      assertThat(send("PUT", "/pipelines/ship", changed, runner).statusCode()).isEqualTo(403);
      assertThat(send("GET", "/audit", null, runner).statusCode()).isEqualTo(403);
      assertThat(send("POST", "/pipelines/ship/execute", "{\"branch\": \"main\"}", runner).statusCode())
          .as("a runner may run; this one is refused only for the unsigned change").isEqualTo(403);

      List<String> audit = new ArrayList<>();
      for (JsonNode e : JSON.readTree(send("GET", "/audit", null).body()).path("entries")) {
        audit.add(e.path("actor").asText() + " " + e.path("action").asText() + " " + e.path("target").asText() + " " + e.path("outcome").asText());
      }
      assertThat(audit).contains("admin execution.start pipeline/ship denied", "admin pipeline.update pipeline/ship ok",
          "execution:" + main + " secret.read secret/DEPLOY_TOKEN ok", "execution:" + feature + " secret.read secret/DEPLOY_TOKEN withheld",
          "cli:" + System.getProperty("user.name") + " secret.write secret/DEPLOY_TOKEN ok", "vic execution.start pipeline/ship denied",
          "rob pipeline.update pipeline/ship denied", "rob GET /audit audit denied");
      assertThat(JSON.readTree(send("POST", "/pipelines/ship/execute", "{}", runner).body()).path("detail").asText())
          .as("the runner got past the role check to the signature check").contains("does not match its signature");
    } finally {
      server.destroy();
      server.waitFor(30, TimeUnit.SECONDS);
    }
    assertThat(said.toString()).doesNotContain("Exception");
  }

  private String execute(String body) throws Exception {
    HttpResponse<String> r = send("POST", "/pipelines/ship/execute", body);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    return JSON.readTree(r.body()).path("id").asText();
  }

  /** Waits for the execution to end — its event stream ends with ExecutionFinished — and checks it succeeded; its id. */
  private String finished(String id) throws Exception {
    HttpResponse<String> events = http.send(HttpRequest.newBuilder(URI.create(base + "/executions/" + id + "/events"))
        .timeout(Duration.ofSeconds(60)).header("Authorization", "Bearer gov-token").header("Accept", "text/event-stream").build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(events.body()).as("the stream ends with the execution").contains("event: ExecutionFinished");
    assertThat(JSON.readTree(send("GET", "/executions/" + id, null).body()).path("status").asText()).isEqualTo("SUCCEEDED");
    return id;
  }

  private String logs(String id) throws Exception {
    return send("GET", "/executions/" + id + "/logs/text", null).body();
  }

  private HttpResponse<String> send(String method, String path, String body) throws Exception {
    return send(method, path, body, "gov-token");
  }

  private HttpResponse<String> send(String method, String path, String body, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + token)
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) b.header("Content-Type", "application/json");
    if (method.equals("PUT")) b.header("If-Match", "\"1\"");
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
