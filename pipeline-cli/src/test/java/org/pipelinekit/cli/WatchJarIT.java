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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * As a user would from a shell: {@code git init} a repository with {@code .pipelinekit/ci.yaml} (a push trigger on main),
 * {@code serve --watch} it, commit — and a run of that commit appears in the API, builds that commit, and shows on the
 * pipelines page in Chromium.
 */
class WatchJarIT {
  private static final Path FRONTEND = Path.of("../pipeline-web/src/main/frontend").toAbsolutePath().normalize();
  @TempDir Path dir;
  private final HttpClient http = HttpClient.newHttpClient();
  private final ObjectMapper json = new ObjectMapper();

  private static String git(Path in, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("git", "-c", "user.name=Ada Lovelace", "-c", "user.email=ada@example.com"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).directory(in.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0).as("git %s: %s", String.join(" ", args), out).isTrue();
    return out.strip();
  }

  private JsonNode get(String url) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer watch-token").build(),
        HttpResponse.BodyHandlers.ofString());
    return json.readTree(r.body());
  }

  @Test
  void aCommitInAWatchedRepositoryStartsARunOfThatCommit() throws Exception {
    Path repo = Files.createDirectories(dir.resolve("my-app"));
    git(repo, "init", "-b", "main");
    Files.createDirectories(repo.resolve(".pipelinekit"));
    Files.writeString(repo.resolve(".pipelinekit/ci.yaml"), """
        pipelinekit: 1
        id: ci
        triggers:
          - push: { branches: [main] }
        stages:
          - id: test
            steps:
              - run: echo "testing $(git rev-parse HEAD)"; cat app.txt
        """);
    Files.writeString(repo.resolve("app.txt"), "one\n");
    git(repo, "add", "-A");
    git(repo, "commit", "-m", "start");

    Process server = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
        SharedDatabaseJarIT.JAR.toString(), "serve", "--port", "0", "--data-dir", dir.resolve("data").toString(), "--pipelines",
        Files.createDirectories(dir.resolve("none")).toString(), "--token", "watch-token", "--watch", repo.toString())
        .redirectErrorStream(true).start();
    StringBuilder said = new StringBuilder();
    try {
      BufferedReader lines = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
      String page = null;
      for (String line = lines.readLine(); line != null && page == null; line = lines.readLine()) {
        said.append(line).append('\n');
        Matcher m = Pattern.compile("serving on (http://\\S+/) ").matcher(line);
        if (m.find()) page = m.group(1);
      }
      assertThat(page).as(said.toString()).isNotNull();
      assertThat(said.toString()).contains("watching " + repo.toRealPath() + " as repository 'my-app' (default branch main)");
      CompletableFuture.runAsync(() -> lines.lines().forEach(l -> said.append(l).append('\n')));
      String api = page + "api/v1";

      Files.writeString(repo.resolve("app.txt"), "two\n");
      git(repo, "commit", "-am", "make it two");
      String sha = git(repo, "rev-parse", "HEAD");
      // the watcher polls every 2 s: the run of the commit appears within a few polls
      String id = null;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (id == null && System.nanoTime() < deadline) {
        JsonNode runs = get(api + "/pipelines/ci/executions");
        if (runs.isArray()) {
          for (JsonNode r : runs) if (r.path("trigger").path("commit").asText().equals(sha)) id = r.path("id").asText();
        }
        if (id == null) server.waitFor(200, TimeUnit.MILLISECONDS);
      }
      assertThat(id).as("a run of %s; the server said: %s", sha, said).isNotNull();
      HttpResponse<java.util.stream.Stream<String>> events = http.send(HttpRequest.newBuilder(URI.create(api + "/executions/" + id + "/events"))
          .header("Authorization", "Bearer watch-token").timeout(Duration.ofSeconds(120)).build(), HttpResponse.BodyHandlers.ofLines());
      try (var s = events.body()) {
        assertThat(s.anyMatch(l -> l.equals("event: ExecutionFinished"))).isTrue();
      }
      JsonNode run = get(api + "/executions/" + id);
      assertThat(run.path("status").asText()).isEqualTo("SUCCEEDED");
      assertThat(run.path("trigger").path("message").asText()).isEqualTo("make it two");
      HttpResponse<String> log = http.send(HttpRequest.newBuilder(URI.create(api + "/executions/" + id + "/logs/text"))
          .header("Authorization", "Bearer watch-token").build(), HttpResponse.BodyHandlers.ofString());
      assertThat(log.body()).contains("testing " + sha).contains("two");
      assertThat(get(api + "/pipelines/ci/executions")).as("the commit before the server started starts nothing").hasSize(1);

      if (Boolean.getBoolean("pipelinekit.browser.skip")) Assumptions.abort("browser part skipped by -Dpipelinekit.browser.skip=true");
      Process node = new ProcessBuilder("node", "e2e/watch.e2e.mjs", page, "watch-token", "ci", sha, Path.of("target/e2e").toAbsolutePath()
          .toString()).directory(FRONTEND.toFile()).redirectErrorStream(true).start();
      String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(node.waitFor(2, TimeUnit.MINUTES)).isTrue();
      assertThat(node.exitValue()).as(output).isZero();
      assertThat(output).contains("the pipelines page shows the run of " + sha.substring(0, 12)).contains("make it two");
    } finally {
      server.destroy();
      server.waitFor(30, TimeUnit.SECONDS);
    }
  }
}
