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
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Projects as an operator sets them up: {@code serve --project web --project mobile}, a user with a role in each, a secret
 * per project. Then every route of the OpenAPI document is called by web's admin with mobile's ids — at mobile's address
 * (refused: no role there) and at web's own (not found there: web's stores do not have them) — and nothing of mobile's
 * comes back, nothing of it changes and nothing of it runs.
 */
class ProjectsJarIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();
  private String root;

  @Test
  void oneProjectCannotReadOrStartAnothersThroughAnyRoute(@TempDir Path dir) throws Exception {
    Path data = dir.resolve("data");
    String alice = JarCommands.token(JarCommands.jar(null, "users", "add", "alice", "--project", "web", "--role", "admin", "--data-dir", data.toString()));
    String bob = JarCommands.token(JarCommands.jar(null, "users", "add", "bob", "--project", "mobile", "--role", "admin", "--data-dir", data.toString()));
    JarCommands.jar("m0bile-5ecret", "secrets", "set", "STORE_KEY", "--project", "mobile", "--data-dir", data.toString());
    JarCommands.jar("w3b-5ecret", "secrets", "set", "STORE_KEY", "--project", "web", "--data-dir", data.toString());
    // a third project trusts a key of its own: it runs only pipelines that key signed
    JarCommands.jar(null, "keys", "generate", "vault-team", "--dir", Files.createDirectories(data.resolve("projects/vault/trusted-keys")).toString());
    Files.move(data.resolve("projects/vault/trusted-keys/vault-team.key"), dir.resolve("vault-team.key"));
    // web protects its main branch (a file of its own); the server protects none, so mobile protects none
    Files.writeString(data.resolve("projects/web/protected-branches"), "# web's protected branches\nmain\ntag:v*\n");

    Process server = new ProcessBuilder(JarCommands.java(), "-jar", SharedDatabaseJarIT.JAR.toString(), "serve", "--port", "0", "--data-dir",
        data.toString(), "--pipelines", Files.createDirectories(dir.resolve("none")).toString(), "--token", "root-token",
        "--project", "web", "--project", "mobile").redirectErrorStream(true).start();
    StringBuilder said = new StringBuilder();
    try {
      BufferedReader lines = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
      while (root == null) {
        String line = lines.readLine();
        if (line == null) break;
        said.append(line).append('\n');
        Matcher m = Pattern.compile("serving on (http://[0-9.:]+)/").matcher(line);
        if (m.find()) root = m.group(1);
      }
      assertThat(root).as(said.toString()).isNotNull();
      java.util.concurrent.CompletableFuture.runAsync(() -> lines.lines().forEach(l -> said.append(l).append('\n')));
      String web = root + "/projects/web/api/v1";
      String mobile = root + "/projects/mobile/api/v1";

      // each project's admin sets up their own: a pipeline with an artifact and a secret, a run of it, an environment
      String mobileRun = setUp(mobile, bob, "app", "store");
      String webRun = setUp(web, alice, "site", "staging");
      assertThat(logs(mobile, bob, mobileRun)).contains("key of 13 characters").doesNotContain("m0bile-5ecret");
      assertThat(logs(web, alice, webRun)).contains("key of 10 characters");
      assertThat(logs(web, alice, run(web, alice, "site", "feature/x"))).as("web's own protection").contains("key of 0 characters",
          "secret STORE_KEY is withheld");
      assertThat(logs(mobile, bob, run(mobile, bob, "app", "feature/x"))).as("mobile protects nothing").contains("key of 13 characters");
      String mobileArtifact = JSON.readTree(send("GET", mobile + "/executions/" + mobileRun + "/artifacts", null, bob).body())
          .path(0).path("id").asText();
      assertThat(mobileArtifact).isNotEmpty();
      JsonNode mobilePipeline = JSON.readTree(send("GET", mobile + "/pipelines/app", null, bob).body());

      assertThat(send("GET", web + "/pipelines", null, alice).body()).as("web's admin reads web").contains("Web release")
          .doesNotContain("Mobile release");

      // every route of the document, with mobile's ids, by web's admin
      Map<String, String> vars = Map.of("id", "", "stage", "ship", "name", "store", "forge", "github", "repository", "app-repo");
      JsonNode doc = JSON.readTree(send("GET", web + "/openapi.json", null, alice).body());
      List<String> tried = new ArrayList<>();
      for (Iterator<Map.Entry<String, JsonNode>> paths = doc.path("paths").fields(); paths.hasNext(); ) {
        Map.Entry<String, JsonNode> p = paths.next();
        for (Iterator<String> methods = p.getValue().fieldNames(); methods.hasNext(); ) {
          String method = methods.next().toUpperCase();
          if (!List.of("GET", "POST", "PUT", "DELETE").contains(method)) continue;
          String id = p.getKey().startsWith("/executions/") ? mobileRun : p.getKey().startsWith("/artifacts/") ? mobileArtifact : "app";
          String path = p.getKey();
          for (Map.Entry<String, String> v : vars.entrySet()) path = path.replace("{" + v.getKey() + "}", v.getKey().equals("id") ? id : v.getValue());
          String body = method.equals("GET") || method.equals("DELETE") ? null
              : p.getKey().equals("/environments/{name}") ? "{\"variables\": {\"URL\": \"https://evil.example\"}}"
              : p.getKey().equals("/pipelines/{id}") ? mobilePipeline.toString().replace("key of", "stolen key") : "{}";
          tried.add(method + " " + p.getKey());

          HttpResponse<String> there = send(method, mobile + path, body, alice);
          if (!p.getKey().equals("/openapi.json")) {
            assertThat(there.statusCode()).as("%s %s at mobile by web's admin: %s", method, path, there.body()).isIn(401, 403, 404);
          }
          HttpResponse<String> here = send(method, web + path, body, alice);
          // (a refusal may repeat the id asked for; what mobile keeps under it must not come back)
          assertThat(here.body()).as("%s %s at web", method, path).doesNotContain("Mobile release", "key of 13", "store.example",
              "m0bile-5ecret", "app.apk");
          if (path.contains(mobileRun) || path.contains(mobileArtifact) || p.getKey().contains("{id}") && !p.getKey().startsWith("/pipelines/{id}")) {
            assertThat(here.statusCode()).as("%s %s at web: %s", method, path, here.body()).isIn(400, 401, 403, 404);
          }
        }
      }
      assertThat(tried).as("the document lists the API").contains("GET /pipelines", "POST /pipelines/{id}/execute",
          "GET /executions/{id}/logs", "GET /artifacts/{id}", "PUT /environments/{name}", "GET /audit", "GET /projects");

      // mobile is as bob left it: the same pipeline, one run, the same environment; none of alice's calls there went through
      JsonNode after = JSON.readTree(send("GET", mobile + "/pipelines/app", null, bob).body());
      assertThat(after.path("revision").asInt()).isEqualTo(mobilePipeline.path("revision").asInt());
      assertThat(after.toString()).doesNotContain("stolen key");
      assertThat(JSON.readTree(send("GET", mobile + "/pipelines/app/executions", null, bob).body()).size())
          .as("bob's two runs, and none of alice's").isEqualTo(2);
      assertThat(send("GET", mobile + "/environments/store", null, bob).body()).doesNotContain("evil.example");
      List<String> alicesThere = new ArrayList<>();
      for (JsonNode e : JSON.readTree(send("GET", mobile + "/audit?actor=alice", null, bob).body()).path("entries")) {
        alicesThere.add(e.path("outcome").asText());
      }
      assertThat(alicesThere).as("each of alice's calls at mobile is on mobile's record, refused").isNotEmpty().containsOnly("denied");

      // who sees which projects
      assertThat(names(send("GET", web + "/projects", null, alice))).containsExactly("web");
      assertThat(names(send("GET", root + "/api/v1/projects", null, "root-token"))).containsExactly("default", "mobile", "vault", "web");
      assertThat(send("GET", root + "/api/v1/pipelines", null, alice).statusCode()).as("no role in the default project").isEqualTo(403);
      JsonNode projects = JSON.readTree(send("GET", mobile + "/projects", null, bob).body());
      assertThat(projects.path("current").asText()).isEqualTo("mobile");
      assertThat(projects.path("projects").path(0).path("path").asText()).isEqualTo("/projects/mobile/");
      assertThat(said.toString()).as("the server said where each project is").contains("project mobile on " + root + "/projects/mobile/",
          "project web on " + root + "/projects/web/", "project vault on " + root + "/projects/vault/",
          "project vault runs only pipelines signed by [vault-team]", "project web: secrets go only to runs of protected branches [main] and tags [v*]");
      String vault = root + "/projects/vault/api/v1";
      send("POST", vault + "/pipelines/import?format=yaml", "id: unsigned\nstages: [{id: a, steps: [{run: 'true'}]}]\n", "root-token",
          "application/yaml");
      HttpResponse<String> unsigned = send("POST", vault + "/pipelines/unsigned/execute", "{}", "root-token");
      assertThat(unsigned.statusCode()).as(unsigned.body()).isEqualTo(403);
      assertThat(unsigned.body()).contains("vault-team");
      assertThat(send("POST", web + "/pipelines/site/execute", "{}", alice).statusCode()).as("web trusts no key: it runs anything")
          .isEqualTo(202);
    } finally {
      server.destroy();
      server.waitFor(30, TimeUnit.SECONDS);
    }
    assertThat(said.toString()).doesNotContain("Exception");
    assertThat(data.resolve("projects/mobile/secrets.bin")).exists();
    assertThat(data.resolve("projects/web/pipelines")).isDirectory();
  }

  private static List<String> names(HttpResponse<String> r) throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    List<String> names = new ArrayList<>();
    JSON.readTree(r.body()).path("projects").forEach(p -> names.add(p.path("name").asText()));
    return names;
  }

  /** A pipeline whose one stage reads the project's secret and keeps an artifact, run to its end; the run's id. */
  private String setUp(String base, String token, String pipeline, String environment) throws Exception {
    String yaml = """
        id: %s
        name: %s release
        stages:
          - id: ship
            artifacts: { name: %s, paths: ["%s.apk"] }
            steps:
              - run: 'K="${{ secrets.STORE_KEY }}"; echo "key of ${#K} characters"; echo built > %s.apk'
        """.formatted(pipeline, pipeline.equals("app") ? "Mobile" : "Web", pipeline, pipeline, pipeline);
    HttpResponse<String> created = send("POST", base + "/pipelines/import?format=yaml", yaml, token, "application/yaml");
    assertThat(created.statusCode()).as(created.body()).isIn(200, 201);
    HttpResponse<String> env = send("PUT", base + "/environments/" + environment, "{\"variables\": {\"URL\": \"https://" + environment
        + ".example\"}}", token);
    assertThat(env.statusCode()).as(env.body()).isEqualTo(200);
    return run(base, token, pipeline, "main");
  }

  /** A run of {@code pipeline} on {@code branch}, to its end; its id. */
  private String run(String base, String token, String pipeline, String branch) throws Exception {
    HttpResponse<String> started = send("POST", base + "/pipelines/" + pipeline + "/execute", "{\"branch\": \"" + branch + "\"}", token);
    assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
    String id = JSON.readTree(started.body()).path("id").asText();
    HttpResponse<String> events = http.send(HttpRequest.newBuilder(URI.create(base + "/executions/" + id + "/events"))
        .timeout(Duration.ofSeconds(60)).header("Authorization", "Bearer " + token).header("Accept", "text/event-stream").build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(events.body()).as("the stream ends with the execution").contains("event: ExecutionFinished");
    assertThat(JSON.readTree(send("GET", base + "/executions/" + id, null, token).body()).path("status").asText()).isEqualTo("SUCCEEDED");
    return id;
  }

  private String logs(String base, String token, String id) throws Exception {
    return send("GET", base + "/executions/" + id + "/logs/text", null, token).body();
  }

  private HttpResponse<String> send(String method, String url, String body, String token) throws Exception {
    return send(method, url, body, token, "application/json");
  }

  private HttpResponse<String> send(String method, String url, String body, String token, String type) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + token)
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) b.header("Content-Type", type);
    if (method.equals("PUT")) b.header("If-Match", "\"1\"");
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
