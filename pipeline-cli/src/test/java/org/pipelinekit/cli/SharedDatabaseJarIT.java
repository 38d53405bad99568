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
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pipelinekit.jdbc.TestPostgres;

/**
 * Two {@code serve --database} processes on one PostgreSQL (the tests' own server): a pipeline saved through one is
 * listed and run by the other, and each serves the other's executions and logs.
 */
class SharedDatabaseJarIT {
  static final Path JAR = Path.of("target/pipelinekit.jar");
  @TempDir Path dir;
  private final List<Process> hosts = new ArrayList<>();
  private final HttpClient http = HttpClient.newHttpClient();
  private final ObjectMapper json = new ObjectMapper();

  @AfterEach
  void stop() throws Exception {
    for (Process p : hosts) {
      p.destroy();
      p.waitFor(30, TimeUnit.SECONDS);
    }
  }

  private String host(String name, String url) throws Exception {
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", JAR.toString(), "serve",
        "--port", "0", "--data-dir", dir.resolve(name).toString(), "--token", "it-token", "--database", url, "--database-user", "pk",
        "--shared-dir", dir.resolve("shared").toString())
        .redirectErrorStream(true).start();
    hosts.add(p);
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    StringBuilder said = new StringBuilder();
    for (String line = out.readLine(); line != null; line = out.readLine()) {
      said.append(line).append('\n');
      Matcher m = Pattern.compile("serving on (http://[0-9.:]+)/").matcher(line);
      if (m.find()) {
        Thread drain = new Thread(() -> { try { out.transferTo(java.io.Writer.nullWriter()); } catch (Exception e) { } }, name + "-output");
        drain.setDaemon(true);
        drain.start();
        return m.group(1) + "/api/v1";
      }
    }
    throw new AssertionError(name + " did not start: " + said);
  }

  private HttpResponse<String> call(String method, String url, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer it-token");
    if (body != null) b.header("Content-Type", "application/json");
    return http.send(b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void twoHostsOnOneDatabase_seeAndRunTheSamePipelines_andServeEachOthersRuns() throws Exception {
    TestPostgres pg = TestPostgres.shared();
    String url = pg.url(pg.newDatabase());
    // a secret set once for every host: sealed in the database under the key in the shared directory
    Process set = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", JAR.toString(), "secrets",
        "set", "TOKEN", "--database", url, "--database-user", "pk", "--shared-dir", dir.resolve("shared").toString()).redirectErrorStream(true).start();
    set.getOutputStream().write("from-the-db".getBytes(StandardCharsets.UTF_8));
    set.getOutputStream().close();
    String setSaid = new String(set.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(set.waitFor(60, TimeUnit.SECONDS) && set.exitValue() == 0).as(setSaid).isTrue();
    assertThat(setSaid).contains("stored secret TOKEN (11 characters) in the database");
    String a = host("a", url);
    String b = host("b", url);
    HttpResponse<String> created = call("POST", a + "/pipelines", """
        {"pipelinekit": 1, "id": "shared",
         "stages": [{"id": "build", "artifacts": {"paths": ["out.txt"]}, "env": {"T": "${{ secrets.TOKEN }}"},
                     "steps": [{"run": "echo built-on-a-host > out.txt; [ \\"$T\\" = from-the-db ] && echo secret-ok"}]},
                    {"id": "test", "needs": ["build"], "steps": [{"run": "cat out.txt"}]}]}""");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    assertThat(call("GET", b + "/pipelines", null).body()).contains("\"shared\"");

    HttpResponse<String> started = call("POST", b + "/pipelines/shared/execute", "{\"branch\": \"main\"}");
    assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
    String id = json.readTree(started.body()).path("id").asText();
    // the run is host b's: its event stream ends with the execution; then host a reads it from the database
    HttpResponse<java.util.stream.Stream<String>> events = http.send(HttpRequest.newBuilder(URI.create(b + "/executions/" + id + "/events"))
        .header("Authorization", "Bearer it-token").timeout(java.time.Duration.ofSeconds(120)).build(), HttpResponse.BodyHandlers.ofLines());
    try (var lines = events.body()) {
      assertThat(lines.anyMatch(l -> l.equals("event: ExecutionFinished"))).isTrue();
    }
    JsonNode seen = json.readTree(call("GET", a + "/executions/" + id, null).body());
    assertThat(seen.path("status").asText()).as(seen.toString()).isEqualTo("SUCCEEDED");
    assertThat(call("GET", a + "/executions/" + id + "/logs/text", null).body()).contains("secret-ok");
    // the artifact host b's run stored: its record in the database, its content in the shared directory, served by host a
    JsonNode artifacts = json.readTree(call("GET", a + "/executions/" + id + "/artifacts", null).body());
    assertThat(artifacts).hasSize(1);
    String link = artifacts.get(0).path("url").asText();
    HttpResponse<String> download = http.send(HttpRequest.newBuilder(URI.create(a.replaceAll("/api/v1$", "") + link.replaceAll("^.*?/api/v1", "/api/v1")))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(download.statusCode()).as(link + " " + download.body()).isEqualTo(200);
    assertThat(download.body()).isEqualTo("built-on-a-host\n");

    // a run of host b, streamed live by host a (which runs none of it) and cancelled through host a
    assertThat(call("POST", a + "/pipelines", """
        {"pipelinekit": 1, "id": "slow", "stages": [{"id": "count", "steps": [{"run": "for i in 1 2 3 4 5; do echo tick-$i; done; sleep 600"}]}]}""")
        .statusCode()).isEqualTo(201);
    String slow = json.readTree(call("POST", b + "/pipelines/slow/execute", "{}").body()).path("id").asText();
    HttpResponse<java.util.stream.Stream<String>> log = http.send(HttpRequest.newBuilder(URI.create(a + "/executions/" + slow
        + "/logs?stage=count&follow=true")).header("Authorization", "Bearer it-token").timeout(java.time.Duration.ofSeconds(120)).build(),
        HttpResponse.BodyHandlers.ofLines());
    List<String> ticks = new ArrayList<>();
    try (var lines = log.body()) {
      var it = lines.iterator();
      while (ticks.size() < 5 && it.hasNext()) {
        String l = it.next();
        String text = l.startsWith("data:") ? json.readTree(l.substring(5)).path("text").asText("") : "";
        if (text.startsWith("tick-")) ticks.add(text);
      }
      assertThat(ticks).containsExactly("tick-1", "tick-2", "tick-3", "tick-4", "tick-5");
      HttpResponse<String> cancel = call("POST", a + "/executions/" + slow + "/cancel", "{\"reason\": \"stopped through host a\"}");
      assertThat(cancel.statusCode()).as(cancel.body()).isEqualTo(202);
      boolean ended = false;
      while (!ended && it.hasNext()) ended = it.next().equals("event: end");
      assertThat(ended).as("host a's stream of host b's log ends with the run").isTrue();
    }
    JsonNode stopped = json.readTree(call("GET", b + "/executions/" + slow, null).body());
    assertThat(stopped.path("status").asText()).isEqualTo("CANCELLED");
    assertThat(stopped.path("reason").asText()).contains("stopped through host a");
  }
}
