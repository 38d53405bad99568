package org.pipelinekit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pipelinekit.jdbc.TestPostgres;

/**
 * Three {@code serve --database --shared-dir} processes, each in a process group of its own, on one PostgreSQL: 300
 * executions of a 5-stage pipeline started through all three APIs run their jobs on every host, each job once; then one
 * host is killed with SIGKILL (its group: the JVM and the steps it runs) mid-run and every execution still finishes, the
 * jobs it held running again elsewhere as host-loss attempts, no log line it committed lost.
 */
class ThreeHostsJarIT {
  private static final int EXECUTIONS = 300;
  @TempDir Path dir;
  private final Map<String, Process> hosts = new HashMap<>();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final ObjectMapper json = new ObjectMapper();
  private String url;

  @AfterEach
  void stop() throws Exception {
    for (Process p : hosts.values()) {
      p.destroy();
      p.waitFor(30, TimeUnit.SECONDS);
    }
  }

  private String host(String name, String... more) throws Exception {
    Path log = dir.resolve(name + ".log");
    List<String> command = new ArrayList<>(List.of("setsid", Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx384m",
        "-jar", SharedDatabaseJarIT.JAR.toString(), "serve", "--port", "0", "--data-dir", dir.resolve(name).toString(), "--token", "it-token",
        "--database", url, "--database-user", "pk", "--shared-dir", dir.resolve("shared").toString(), "--host-name", name,
        "--max-parallel-jobs", "3"));
    command.addAll(List.of(more));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    hosts.put(name, p);
    Pattern serving = Pattern.compile("serving on (http://[0-9.:]+)/");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline && p.isAlive()) {
      Matcher m = serving.matcher(Files.readString(log));
      if (m.find()) return m.group(1) + "/api/v1";
      p.waitFor(100, TimeUnit.MILLISECONDS); // the host writes its address once it listens
    }
    throw new AssertionError(name + " did not start: " + Files.readString(log));
  }

  private HttpResponse<String> call(String method, String uri, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(uri)).header("Authorization", "Bearer it-token").timeout(Duration.ofSeconds(60));
    if (body != null) b.header("Content-Type", "application/json");
    return http.send(b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private String start(String api, String pipeline) throws Exception {
    HttpResponse<String> r = call("POST", api + "/pipelines/" + pipeline + "/execute", "{}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    return json.readTree(r.body()).path("id").asText();
  }

  /** Reads the execution's event stream until an event of this name. */
  private void awaitEvent(String api, String id, String name) throws Exception {
    HttpResponse<java.util.stream.Stream<String>> events = http.send(HttpRequest.newBuilder(URI.create(api + "/executions/" + id + "/events"))
        .header("Authorization", "Bearer it-token").timeout(Duration.ofSeconds(120)).build(), HttpResponse.BodyHandlers.ofLines());
    try (var lines = events.body()) {
      assertThat(lines.anyMatch(l -> l.equals("event: " + name))).as("%s of %s", name, id).isTrue();
    }
  }

  /** Waits for the execution's end on its event stream (which ends with it), then reads it. */
  private JsonNode finished(String api, String id) throws Exception {
    HttpResponse<java.util.stream.Stream<String>> events = http.send(HttpRequest.newBuilder(URI.create(api + "/executions/" + id + "/events"))
        .header("Authorization", "Bearer it-token").timeout(Duration.ofSeconds(300)).build(), HttpResponse.BodyHandlers.ofLines());
    try (var lines = events.body()) {
      assertThat(lines.anyMatch(l -> l.equals("event: ExecutionFinished"))).as("the events of %s end with it", id).isTrue();
    }
    return json.readTree(call("GET", api + "/executions/" + id, null).body());
  }

  private static String pipeline(String id, Path ran, String slow) {
    StringBuilder stages = new StringBuilder();
    for (int i = 1; i <= 5; i++) {
      if (i > 1) stages.append(',');
      String needs = i == 1 ? "" : "\"needs\": [\"s" + (i - 1) + "\"], ";
      String hand = i == 1 ? "echo s1 > chain.txt" : "echo s" + i + " >> chain.txt";
      stages.append("{\"id\": \"s").append(i).append("\", ").append(needs).append("\"artifacts\": {\"paths\": [\"chain.txt\"]},")
          .append(" \"steps\": [{\"run\": \"echo begin s").append(i).append("; ").append(slow).append(hand)
          .append("; echo ${{ execution.id }} s").append(i).append(" >> ").append(ran).append("; echo end s").append(i).append("\"}]}");
    }
    return "{\"pipelinekit\": 1, \"id\": \"" + id + "\", \"stages\": [" + stages + "]}";
  }

  /** Every stored log line: execution, stage, number, attempt and text. */
  private static Set<String> lines(Connection db) throws Exception {
    Set<String> out = new HashSet<>();
    try (var r = db.createStatement().executeQuery("SELECT execution_id, stage_id, line, attempt, convert_from(text, 'UTF8') FROM pk_log_line")) {
      while (r.next()) out.add(r.getString(1) + " " + r.getString(2) + " #" + r.getLong(3) + " a" + r.getInt(4) + " " + r.getString(5));
    }
    return out;
  }

  @Test
  void threeHosts_runThreeHundredExecutions_eachJobOnce_everywhere_andFinishEverythingWhenOneIsKilled() throws Exception {
    TestPostgres pg = TestPostgres.shared();
    String database = pg.newDatabase();
    url = pg.url(database);
    List<String> apis = List.of(host("a", "--label", "special"), host("b"), host("c"));
    Path ran = dir.resolve("shared").resolve("ran.txt");
    assertThat(call("POST", apis.get(0) + "/pipelines", pipeline("five", ran, "")).statusCode()).isEqualTo(201);

    List<String> ids = new ArrayList<>();
    Map<String, String> startedOn = new HashMap<>();
    for (int i = 0; i < EXECUTIONS; i++) {
      String api = apis.get(i % 3);
      String id = start(api, "five");
      ids.add(id);
      startedOn.put(id, api);
    }
    for (String id : ids) {
      JsonNode done = finished(startedOn.get(id), id);
      assertThat(done.path("status").asText()).as("%s", done).isEqualTo("SUCCEEDED");
    }
    List<String> lines = Files.readAllLines(ran);
    assertThat(lines).as("every job ran exactly once").hasSize(EXECUTIONS * 5).doesNotHaveDuplicates();
    Map<String, Integer> byHost = new HashMap<>();
    try (Connection c = DriverManager.getConnection(url, pg.user(), "");
        var r = c.createStatement().executeQuery("SELECT host, count(*) FROM pk_job WHERE state = 'DONE' GROUP BY host")) {
      while (r.next()) byHost.put(r.getString(1), r.getInt(2));
    }
    assertThat(byHost.keySet()).as("every host ran some: %s", byHost).containsExactlyInAnyOrder("a", "b", "c");
    assertThat(byHost.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(EXECUTIONS * 5);

    // a stage waiting on host a is approved through host b
    assertThat(call("POST", apis.get(0) + "/pipelines", """
        {"pipelinekit": 1, "id": "gated", "stages": [{"id": "deploy", "approval": {"approvers": ["admin"]}, "steps": [{"run": "echo deployed"}]}]}""")
        .statusCode()).isEqualTo(201);
    String gated = start(apis.get(0), "gated");
    awaitEvent(apis.get(0), gated, "ApprovalRequested");
    HttpResponse<String> approved = call("POST", apis.get(1) + "/executions/" + gated + "/stages/deploy/approve", "{}");
    assertThat(approved.statusCode()).as(approved.body()).isBetween(200, 204);
    assertThat(finished(apis.get(0), gated).path("status").asText()).isEqualTo("SUCCEEDED");

    // a concurrency group holds across hosts: the second run, started on host b, waits until host a's run ended
    Path go = dir.resolve("shared").resolve("go");
    assertThat(call("POST", apis.get(0) + "/pipelines", "{\"pipelinekit\": 1, \"id\": \"ship\", \"concurrency\": {\"group\": \"ship\"},"
        + " \"stages\": [{\"id\": \"ship\", \"steps\": [{\"run\": \"while [ ! -f " + go + " ]; do sleep 0.05; done\"}]}]}").statusCode())
        .isEqualTo(201);
    String firstShip = start(apis.get(0), "ship");
    awaitEvent(apis.get(0), firstShip, "JobStarted");
    String secondShip = start(apis.get(1), "ship");
    awaitEvent(apis.get(1), secondShip, "ExecutionQueued");
    Files.writeString(go, "");
    JsonNode one = finished(apis.get(0), firstShip);
    JsonNode two = finished(apis.get(1), secondShip);
    assertThat(List.of(one.path("status").asText(), two.path("status").asText())).containsOnly("SUCCEEDED");
    assertThat(java.time.Instant.parse(two.path("startedAt").asText())).isAfterOrEqualTo(java.time.Instant.parse(one.path("finishedAt").asText()));

    // a log stream served by a host that runs none of the execution's jobs (nor schedules it) has every line, in order
    assertThat(call("POST", apis.get(0) + "/pipelines", """
        {"pipelinekit": 1, "id": "talk", "stages": [{"id": "talk", "runsOn": ["special"],
         "steps": [{"run": "i=1; while [ $i -le 200 ]; do echo line-$i; i=$((i+1)); done"}]}]}""").statusCode()).isEqualTo(201);
    String talk = start(apis.get(1), "talk");
    HttpResponse<java.util.stream.Stream<String>> log = http.send(HttpRequest.newBuilder(URI.create(apis.get(2) + "/executions/" + talk
        + "/logs?stage=talk&follow=true")).header("Authorization", "Bearer it-token").timeout(Duration.ofSeconds(120)).build(),
        HttpResponse.BodyHandlers.ofLines());
    List<String> said = new ArrayList<>();
    try (var stream = log.body()) {
      var it = stream.iterator();
      boolean ended = false;
      while (!ended && it.hasNext()) {
        String l = it.next();
        if (l.equals("event: end")) ended = true;
        String text = l.startsWith("data:") ? json.readTree(l.substring(5)).path("text").asText("") : "";
        if (text.startsWith("line-")) said.add(text);
      }
      assertThat(ended).isTrue();
    }
    List<String> expected = new ArrayList<>();
    for (int i = 1; i <= 200; i++) expected.add("line-" + i);
    assertThat(said).containsExactlyElementsOf(expected);
    assertThat(call("GET", apis.get(2) + "/executions/" + talk + "/logs/text", null).body()).contains("runs on host a");

    // kill -9 one host while it holds jobs: the executions started on it, and the jobs it ran, go on elsewhere
    Path ranSlow = dir.resolve("shared").resolve("ran-slow.txt");
    assertThat(call("POST", apis.get(0) + "/pipelines", pipeline("slow", ranSlow, "sleep 1; ")).statusCode()).isEqualTo(201);
    List<String> slow = new ArrayList<>();
    for (int i = 0; i < 24; i++) slow.add(start(apis.get(i % 3), "slow"));
    try (Connection c = DriverManager.getConnection(url, pg.user(), "")) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      boolean holds = false;
      while (!holds && System.nanoTime() < deadline) {
        try (var r = c.createStatement().executeQuery("SELECT count(*) FROM pk_job WHERE host = 'c' AND state = 'CLAIMED'")) {
          r.next();
          holds = r.getInt(1) >= 2;
        }
      }
      assertThat(holds).as("host c claimed jobs of the slow pipeline").isTrue();
    }
    Set<String> beforeKill;
    try (Connection db = DriverManager.getConnection(url, pg.user(), "")) {
      beforeKill = lines(db);
    }
    Process c = hosts.remove("c");
    new ProcessBuilder("kill", "-KILL", "--", "-" + c.pid()).inheritIO().start().waitFor();
    assertThat(c.waitFor(30, TimeUnit.SECONDS)).isTrue();

    for (String id : slow) {
      JsonNode done = finished(apis.get(0), id);
      assertThat(done.path("status").asText()).as("%s", done).isEqualTo("SUCCEEDED");
    }
    try (Connection db = DriverManager.getConnection(url, pg.user(), "")) {
      // the jobs host c held ran again elsewhere, as the next attempt
      List<String> lost = new ArrayList<>();
      try (var r = db.createStatement().executeQuery("SELECT l.execution_id || ' ' || l.stage_id, n.host, n.attempt - l.attempt FROM pk_job l"
          + " JOIN pk_job n ON n.execution_id = l.execution_id AND n.stage_id = l.stage_id AND n.job_id = l.job_id AND n.state = 'DONE'"
          + " WHERE l.state = 'LOST'")) {
        while (r.next()) {
          lost.add(r.getString(1));
          assertThat(r.getString(2)).isIn("a", "b");
          assertThat(r.getInt(3)).isEqualTo(1);
        }
      }
      assertThat(lost).as("the jobs host c held when it was killed").hasSizeGreaterThanOrEqualTo(2);
      for (String job : lost) {
        String[] parts = job.split(" ");
        JsonNode e = json.readTree(call("GET", apis.get(1) + "/executions/" + parts[0], null).body());
        JsonNode jobRun = null;
        for (JsonNode s : e.path("stages")) if (s.path("id").asText().equals(parts[1])) jobRun = s.path("jobs").get(0);
        assertThat(jobRun).as("%s", e).isNotNull();
        assertThat(jobRun.path("attempts").asInt()).as("%s", jobRun).isEqualTo(2);
      }
      // every job ran to its end once; only one that host c was running when it died may have begun twice
      List<String> slowLines = Files.readAllLines(ranSlow);
      assertThat(Set.copyOf(slowLines)).hasSize(24 * 5);
      // no log line that was committed is missing: every stage's lines are numbered 1..n without a gap
      try (var r = db.createStatement().executeQuery("SELECT execution_id, stage_id, count(*), max(line) FROM pk_log_line GROUP BY 1, 2")) {
        while (r.next()) assertThat(r.getLong(3)).as("lines of %s %s", r.getString(1), r.getString(2)).isEqualTo(r.getLong(4));
      }
      assertThat(lines(db)).as("every line committed before the kill is still there, with its number").containsAll(beforeKill);
    }
    for (String name : List.of("a", "b")) {
      assertThat(Files.readString(dir.resolve(name + ".log"))).as("host %s printed no stack trace", name).doesNotContain("\tat ");
    }
    Set<String> unique = new HashSet<>(Files.readAllLines(ran));
    assertThat(unique).hasSize(EXECUTIONS * 5);
  }
}
