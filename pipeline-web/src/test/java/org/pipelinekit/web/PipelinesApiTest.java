package org.pipelinekit.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.pipelinekit.web.ApiServer.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pipelinekit.web.analytics.PipelineAnalytics;

/** Every pipeline endpoint over real HTTP: status codes, bodies, problem details, auth refusals. */
class PipelinesApiTest {
  @TempDir static Path dir;
  static ApiServer server;

  static final String CI = """
      {"pipelinekit": 1, "id": "shop-ci", "name": "Shop CI",
       "stages": [{"id": "build", "steps": [{"run": "echo build"}]},
                  {"id": "test", "needs": ["build"], "steps": [{"run": "echo test"}]}]}
      """;

  @BeforeAll
  static void start() throws Exception {
    server = new ApiServer(dir, PipelineAnalytics.builder(), Duration.ofSeconds(15));
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  @Test
  void createReadUpdateDeleteAPipeline() throws Exception {
    ApiServer.Response created = server.post("/pipelines", "admin-token", CI.replace("shop-ci", "crud-ci"));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    assertThat(created.headers().firstValue("Location")).contains("/ci/api/v1/pipelines/crud-ci");
    assertThat(json(created).path("pipeline").path("stages")).hasSize(2);
    assertThat(created.headers().firstValue("ETag")).contains("\"1\"");

    ApiServer.Response got = server.get("/pipelines/crud-ci", "reader-token");
    assertThat(got.status()).isEqualTo(200);
    assertThat(json(got).path("name").asText()).isEqualTo("Shop CI");
    assertThat(json(server.get("/pipelines", "reader-token"))).anySatisfy(p -> assertThat(p.path("id").asText()).isEqualTo("crud-ci"));

    String changed = CI.replace("shop-ci", "crud-ci").replace("Shop CI", "Shop CI v2");
    ApiServer.Response updated = server.send("PUT", "/pipelines/crud-ci", "admin-token", "application/json", changed, Map.of("If-Match", "\"1\""));
    assertThat(updated.status()).as(updated.body()).isEqualTo(200);
    assertThat(json(updated).path("version").asLong()).isEqualTo(2);
    ApiServer.Response stale = server.send("PUT", "/pipelines/crud-ci", "admin-token", "application/json", changed, Map.of("If-Match", "\"1\""));
    assertThat(stale.status()).isEqualTo(412);
    assertThat(json(stale).path("detail").asText()).contains("is at revision 2, not 1");
    ApiServer.Response yaml = server.send("PUT", "/pipelines/crud-ci", "admin-token", "application/yaml",
        "pipelinekit: 1\nid: crud-ci\nversion: 2\nstages:\n  - id: only\n    steps: [{run: echo yaml}]\n", Map.of());
    assertThat(yaml.status()).as(yaml.body()).isEqualTo(200);
    assertThat(json(yaml).path("pipeline").path("stages")).hasSize(1);
    ApiServer.Response wrongId = server.send("PUT", "/pipelines/crud-ci", "admin-token", "application/json", CI, Map.of());
    assertThat(wrongId.status()).isEqualTo(400);
    assertThat(json(wrongId).path("detail").asText()).contains("the document's id 'shop-ci' is not the pipeline's id 'crud-ci'");

    assertThat(server.send("DELETE", "/pipelines/crud-ci", "admin-token", null, null, Map.of()).status()).isEqualTo(204);
    assertThat(server.get("/pipelines/crud-ci", "reader-token").status()).isEqualTo(404);
    assertThat(server.send("DELETE", "/pipelines/crud-ci", "admin-token", null, null, Map.of()).status()).isEqualTo(404);
  }

  @Test
  void aPipelineWithProblemsIsKeptAsADraftThatCannotRunUntilItIsSaved() throws Exception {
    String halfBuilt = """
        {"pipelinekit": 1, "id": "half-built", "stages": [{"id": "test", "needs": ["build"], "steps": [{"run": "make test"}]}]}
        """;
    assertThat(server.post("/pipelines", "admin-token", halfBuilt).status()).as("not a revision").isEqualTo(422);
    ApiServer.Response kept = server.send("PUT", "/pipelines/half-built/draft", "admin-token", "application/json", halfBuilt, Map.of());
    assertThat(kept.status()).as(kept.body()).isEqualTo(200);
    assertThat(json(kept).path("validation").path("valid").asBoolean()).isFalse();
    assertThat(json(kept).path("validation").path("problems").findValuesAsText("code")).contains("NEEDS_UNKNOWN");

    JsonNode listed = null;
    for (JsonNode p : json(server.get("/pipelines", "reader-token"))) if (p.path("id").asText().equals("half-built")) listed = p;
    assertThat(listed).as("a draft is listed so the work can be found again").isNotNull();
    assertThat(listed.path("version").asLong()).isZero();
    assertThat(listed.path("draft").path("saved").asText()).isNotEmpty();
    ApiServer.Response draft = server.get("/pipelines/half-built/draft", "reader-token");
    assertThat(json(draft).path("document").path("stages").get(0).path("needs").get(0).asText()).isEqualTo("build");

    ApiServer.Response run = server.post("/pipelines/half-built/execute", "admin-token", "{}");
    assertThat(run.status()).isEqualTo(409);
    assertThat(json(run).path("detail").asText()).contains("is only a draft", "fix its problems and save");
    assertThat(server.send("PUT", "/pipelines/half-built/draft", "admin-token", "application/json", "{\"stages\": [", Map.of()).status())
        .as("a draft is still JSON").isEqualTo(400);
    assertThat(json(server.send("PUT", "/pipelines/half-built/draft", "admin-token", "application/json", CI, Map.of())).path("detail").asText())
        .contains("the draft's id 'shop-ci' is not the pipeline's id 'half-built'");

    assertThat(server.post("/pipelines", "admin-token", CI.replace("shop-ci", "revised")).status()).isEqualTo(201);
    assertThat(server.get("/pipelines/revised", "reader-token").headers().firstValue("PipelineKit-Draft")).isEmpty();
    server.send("PUT", "/pipelines/revised/draft", "admin-token", "application/json", CI.replace("shop-ci", "revised"), Map.of());
    assertThat(server.get("/pipelines/revised", "reader-token").headers().firstValue("PipelineKit-Draft"))
        .as("a saved pipeline says when a draft was kept since").isPresent();

    String fixed = halfBuilt.replace("\"stages\": [", "\"stages\": [{\"id\": \"build\", \"steps\": [{\"run\": \"make\"}]}, ");
    assertThat(server.post("/pipelines", "admin-token", fixed).status()).isEqualTo(201);
    assertThat(server.get("/pipelines/half-built/draft", "reader-token").status()).as("the revision replaces the draft").isEqualTo(404);
    assertThat(server.send("PUT", "/pipelines/half-built/draft", "reader-token", "application/json", fixed, Map.of()).status())
        .as("keeping a draft is editing").isEqualTo(403);
    assertThat(server.send("DELETE", "/pipelines/half-built", "admin-token", null, null, Map.of()).status()).isEqualTo(204);
  }

  /** An approver no one who can sign in is would leave the run waiting forever: the check and the save say so. */
  @Test
  void anApproverNoOneCanSignInAsIsAWarningAtItsPath() throws Exception {
    String gated = """
        {"pipelinekit": 1, "id": "gated-approvers", "stages": [{"id": "ship", "approval": {"approvers": ["team-leads", "ops"]},
         "steps": [{"run": "echo shipped"}]}]}
        """;
    JsonNode checked = json(server.post("/pipelines/validate", "reader-token", gated));
    assertThat(checked.path("valid").asBoolean()).as("a warning, not an error: the users may be added later").isTrue();
    JsonNode warning = checked.path("problems").get(0);
    assertThat(warning.path("code").asText()).isEqualTo("APPROVER_UNKNOWN");
    assertThat(warning.path("path").asText()).isEqualTo("stages.ship.approval.approvers[1]");
    assertThat(warning.path("message").asText()).contains("no one who can sign in to this server is 'ops'", "would wait for an approval no one can give");
    assertThat(checked.path("problems")).as("team-leads is lena's group").hasSize(1);
    ApiServer.Response saved = server.post("/pipelines", "admin-token", gated);
    assertThat(json(saved).path("warnings").findValuesAsText("code")).contains("APPROVER_UNKNOWN");
    server.send("DELETE", "/pipelines/gated-approvers", "admin-token", null, null, Map.of());
  }

  @Test
  void invalidPipelinesComeBackAsProblemDetailsWithEveryPath() throws Exception {
    String broken = """
        {"pipelinekit": 1, "id": "broken",
         "stages": [{"id": "a", "needs": ["b"], "steps": [{"run": "x"}]},
                    {"id": "b", "needs": ["a"], "steps": [{"run": "y"}]},
                    {"id": "c", "needs": ["nope"], "steps": [{"run": "z"}]}]}
        """;
    ApiServer.Response r = server.post("/pipelines", "admin-token", broken);
    assertThat(r.status()).isEqualTo(422);
    assertThat(r.contentType()).startsWith("application/problem+json");
    JsonNode p = json(r);
    assertThat(p.path("type").asText()).endsWith("/invalid-pipeline");
    assertThat(p.path("status").asInt()).isEqualTo(422);
    Set<String> paths = new HashSet<>();
    p.path("problems").forEach(x -> paths.add(x.path("code").asText() + " " + x.path("path").asText()));
    assertThat(paths).contains("CYCLE stages.a.needs[0]", "NEEDS_UNKNOWN stages.c.needs[0]");
    ApiServer.Response validated = server.post("/pipelines/validate", "reader-token", broken);
    assertThat(validated.status()).isEqualTo(200);
    assertThat(json(validated).path("valid").asBoolean()).isFalse();
    assertThat(json(validated).path("errors").asInt()).isGreaterThanOrEqualTo(2);

    ApiServer.Response malformed = server.post("/pipelines", "admin-token", "{\"pipelinekit\": 1, \"id\": \"x\", \"stages\": [{\"id\": \"a\", \"timeout\": \"soon\", \"steps\": [\"true\"]}]}");
    assertThat(malformed.status()).isEqualTo(400);
    assertThat(json(malformed).path("problems").get(0).path("path").asText()).isEqualTo("stages.a.timeout");
    assertThat(json(malformed).path("problems").get(0).path("message").asText()).contains("is not a duration").contains("line 1");
    assertThat(json(malformed).path("problems").get(0).path("line").asInt()).isEqualTo(1);
    assertThat(json(malformed).path("problems").get(0).path("column").asInt()).isGreaterThan(1);
    ApiServer.Response notJson = server.post("/pipelines", "admin-token", "{\"id\": ");
    assertThat(notJson.status()).isEqualTo(400);
    assertThat(notJson.body()).doesNotContain("Exception").doesNotContain("\tat ");
  }

  /** The designer's code view: an unsaved (even invalid) document as YAML, Kotlin or Java; YAML errors carry line and column. */
  @Test
  void convertsUnsavedDocumentsToCodeAndPlacesYamlErrors() throws Exception {
    String draft = "{\"pipelinekit\": 1, \"id\": \"draft\", \"stages\": [{\"id\": \"it\", \"type\": \"integration-tests\"},"
        + " {\"id\": \"b\", \"needs\": [\"it\"], \"steps\": [{\"run\": \"make\"}]}]}";
    ApiServer.Response kotlin = server.post("/pipelines/convert?format=kotlin", "reader-token", draft);
    assertThat(kotlin.status()).as(kotlin.body()).isEqualTo(200);
    assertThat(kotlin.body()).contains("pipeline(\"draft\"").contains("needs(\"it\")");
    ApiServer.Response yaml = server.post("/pipelines/convert?format=yaml", "reader-token", draft);
    assertThat(yaml.body()).contains("id: draft").contains("type: integration-tests");
    assertThat(server.post("/pipelines/convert?format=java", "reader-token", draft).body()).contains("Pipeline.builder(\"draft\")");
    assertThat(server.get("/pipelines/draft", "reader-token").status()).as("nothing saved").isEqualTo(404);
    ApiServer.Response noFormat = server.post("/pipelines/convert", "reader-token", draft);
    assertThat(json(noFormat).path("detail").asText()).startsWith("?format= says what to write; use one of");

    ApiServer.Response bad = server.send("POST", "/pipelines/import?format=yaml&save=false", "admin-token", "text/plain",
        "id: x\nstages:\n  - id: a\n    steps: [{run: echo}\n  - id: b\n", Map.of());
    assertThat(bad.status()).isEqualTo(400);
    JsonNode problem = json(bad).path("problems").get(0);
    assertThat(problem.path("line").asInt()).isEqualTo(5);
    assertThat(problem.path("message").asText()).startsWith("malformed YAML: a '[' list is not closed (opened at line 4, column 12)");
  }

  /** The code view's Apply: each validation problem at its line; a pasted CI file of another system is named and offered. */
  @Test
  void importedCodeGetsEachProblemAtItsLine_andAForeignCiFileIsOfferedForImport() throws Exception {
    String yaml = "pipelinekit: 1\nid: lines\nstages:\n  - id: build\n    steps: [{run: make}]\n  - id: test\n    needs: [build, nope]\n"
        + "    steps: [{run: make test}]\n";
    ApiServer.Response applied = server.send("POST", "/pipelines/import?format=yaml&save=false", "admin-token", "text/plain", yaml, Map.of());
    assertThat(applied.status()).as(applied.body()).isEqualTo(200);
    JsonNode unknown = null;
    for (JsonNode p : json(applied).path("validation").path("problems")) if (p.path("code").asText().equals("NEEDS_UNKNOWN")) unknown = p;
    assertThat(unknown).as(applied.body()).isNotNull();
    assertThat(unknown.path("line").asInt()).isEqualTo(7);
    assertThat(json(applied).path("pipeline").path("stages").get(1).path("needs").findValuesAsText("")).isEmpty();
    assertThat(json(applied).path("pipeline").path("stages").get(1).path("needs").toString()).contains("nope");

    String workflow = "name: CI\non:\n  push:\n    branches: [main]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n"
        + "      - run: make test\n";
    ApiServer.Response pasted = server.send("POST", "/pipelines/import?format=yaml&save=false", "admin-token", "text/plain", workflow, Map.of());
    assertThat(pasted.status()).isEqualTo(400);
    assertThat(json(pasted).path("type").asText()).endsWith("/foreign-ci-file");
    assertThat(json(pasted).path("detail").asText()).isEqualTo("this is a GitHub Actions workflow, not a PipelineKit pipeline: import it with"
        + " ?format=gha (the designer offers to)");
    ApiServer.Response imported = server.send("POST", "/pipelines/import?format=gha&save=false", "admin-token", "text/plain", workflow, Map.of());
    assertThat(imported.status()).as(imported.body()).isEqualTo(200);
    assertThat(json(imported).path("pipeline").path("stages").get(0).path("id").asText()).isEqualTo("test");
    assertThat(json(imported).path("report").path("kind").asText()).isNotEmpty();
  }

  /** The designer's page and assets are served beside the API wherever the servlet is mounted (here /ci/*). */
  @Test
  void servesTheDesignerUnderTheMountPath() throws Exception {
    java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
    String root = server.base.toString().replaceFirst("/api/v1$", "");
    java.net.http.HttpResponse<String> page = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(root + "/")).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
    assertThat(page.body()).contains("<base href=\"/ci/\">").contains("<div id=\"root\">");
    java.util.regex.Matcher script = java.util.regex.Pattern.compile("src=\"\\./(assets/[^\"]+\\.js)\"").matcher(page.body());
    assertThat(script.find()).as("the page loads its script relative to the base: " + page.body()).isTrue();
    java.net.http.HttpResponse<String> js = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(root + "/" + script.group(1)))
        .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(js.statusCode()).isEqualTo(200);
    assertThat(js.headers().firstValue("Content-Type").orElse("")).startsWith("text/javascript");
    assertThat(js.headers().firstValue("Cache-Control").orElse("")).contains("immutable");
    // Jetty refuses the ambiguous path itself (400); the servlet would answer 404
    assertThat(http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(root + "/assets/../../../etc/passwd.js")).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode()).isIn(400, 404);
    assertThat(http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(root + "/no-such-page.html")).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(404);
  }

  @Test
  void badRequestsGetFourHundredsNeverStackTraces() throws Exception {
    server.post("/pipelines", "admin-token", CI.replace("shop-ci", "bad-input"));
    ApiServer.Response unknownField = server.post("/pipelines/bad-input/execute", "admin-token", "{\"branch\": \"main\", \"brnch\": 1}");
    assertThat(unknownField.status()).isEqualTo(400);
    assertThat(json(unknownField).path("detail").asText()).isEqualTo("unknown field 'brnch'; the fields here are [branch, commit, parameters]");
    ApiServer.Response notJson = server.post("/pipelines/bad-input/execute", "admin-token", "{branch: main}");
    assertThat(notJson.status()).isEqualTo(400);
    assertThat(json(notJson).path("type").asText()).endsWith("/malformed-json");
    ApiServer.Response big = server.post("/pipelines", "admin-token", "{\"id\": \"" + "x".repeat(100_000) + "\"}");
    assertThat(big.status()).isEqualTo(413);
    assertThat(server.get("/pipelines/no-such-pipeline", "reader-token").status()).isEqualTo(404);
    assertThat(server.get("/executions/no-such-1", "reader-token").status()).isEqualTo(404);
    assertThat(server.get("/nothing/here", "reader-token").status()).isEqualTo(404);
    ApiServer.Response method = server.send("PATCH", "/pipelines/bad-input", "admin-token", null, null, Map.of());
    assertThat(method.status()).isEqualTo(405);
    assertThat(server.get("/pipelines/bad-input/executions?limit=lots", "reader-token").status()).isEqualTo(400);
    assertThat(server.post("/pipelines", "admin-token", CI.replace("shop-ci", "bad-input")).status()).as("taken id").isEqualTo(409);
    assertThat(server.get("/pipelines/bad-input/export?format=toml", "reader-token").status()).isEqualTo(400);
  }

  @Test
  void callersMustSignInAndMayOnlyDoWhatTheyAreAllowed() throws Exception {
    ApiServer.Response anonymous = server.get("/pipelines", null);
    assertThat(anonymous.status()).isEqualTo(401);
    assertThat(anonymous.headers().firstValue("WWW-Authenticate")).contains("Bearer");
    assertThat(server.get("/pipelines", "forged-token").status()).isEqualTo(401);
    ApiServer.Response reader = server.post("/pipelines", "reader-token", CI.replace("shop-ci", "not-allowed"));
    assertThat(reader.status()).isEqualTo(403);
    assertThat(json(reader).path("detail").asText()).isEqualTo("rita may not edit pipelines");
    assertThat(server.post("/pipelines/not-allowed/execute", "reader-token", "{}").status()).isEqualTo(403);
    assertThat(server.get("/openapi.json", null).status()).as("the API description is public").isEqualTo(200);
    // no CORS unless configured
    ApiServer.Response cors = server.send("GET", "/pipelines", "reader-token", null, null, Map.of("Origin", "https://evil.example"));
    assertThat(cors.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
  }

  @Test
  void importAndExportPipelinesAsCode() throws Exception {
    server.post("/pipelines", "admin-token", CI.replace("shop-ci", "export-me"));
    for (String format : new String[] {"yaml", "json", "hcl", "kotlin", "java"}) {
      ApiServer.Response r = server.get("/pipelines/export-me/export?format=" + format, "reader-token");
      assertThat(r.status()).as(format).isEqualTo(200);
      assertThat(r.body()).as(format).contains("export-me");
    }
    String kotlin = server.get("/pipelines/export-me/export?format=kotlin", "reader-token").body().replace("export-me", "from-kotlin");
    ApiServer.Response k = server.send("POST", "/pipelines/import?format=kotlin", "admin-token", "text/plain", kotlin, Map.of());
    assertThat(k.status()).as("scripts run code: off unless the host allows them").isEqualTo(403);
    assertThat(json(k).path("detail").asText()).contains("pipelinekit export -f yaml");
    String java = server.get("/pipelines/export-me/export?format=java", "reader-token").body().replace("\"export-me\"", "\"from-java\"");
    ApiServer.Response j = server.send("POST", "/pipelines/import?format=java", "admin-token", "text/plain", java, Map.of());
    assertThat(j.status()).as(j.body()).isEqualTo(201);
    assertThat(json(server.get("/pipelines/from-java", "reader-token")).path("stages")).hasSize(2);
    ApiServer.Response dryRun = server.send("POST", "/pipelines/import?format=yaml&save=false", "admin-token", "text/plain",
        "pipelinekit: 1\nid: dry\nstages:\n  - id: a\n    needs: [zz]\n    steps: [{run: x}]\n", Map.of());
    assertThat(dryRun.status()).isEqualTo(200);
    assertThat(json(dryRun).path("validation").path("valid").asBoolean()).isFalse();
    ApiServer.Response badJava = server.send("POST", "/pipelines/import?format=java", "admin-token", "text/plain",
        "class X { static Pipeline p() { return Pipeline.builder(name()).build(); } }", Map.of());
    assertThat(badJava.status()).isEqualTo(422);
    assertThat(json(badJava).path("detail").asText()).contains("import.java:1:");
  }

  @Test
  void templatesAndStageTypes() throws Exception {
    JsonNode templates = json(server.get("/pipelines/templates", "reader-token"));
    assertThat(templates).hasSize(11);
    assertThat(json(server.get("/pipelines/templates?category=deploy", "reader-token"))).hasSize(2);
    ApiServer.Response created = server.post("/pipelines/from-template", "admin-token", """
        {"template": "java-maven", "id": "orders-ci", "values": {"jdk": "21"}, "removeStages": ["coverage"],
         "setInputs": [{"stage": "checkout", "name": "depth", "value": 5}]}
        """);
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    JsonNode p = json(created).path("pipeline");
    assertThat(p.path("template").path("id").asText()).isEqualTo("java-maven");
    assertThat(p.path("stages").findValuesAsText("id")).doesNotContain("coverage");
    ApiServer.Response bad = server.post("/pipelines/from-template", "admin-token", "{\"template\": \"java-maven\", \"values\": {\"jdk\": \"11\"}}");
    assertThat(bad.status()).isEqualTo(422);
    assertThat(json(bad).path("problems").get(0).path("path").asText()).isEqualTo("params.jdk");
    assertThat(server.post("/pipelines/from-template", "admin-token", "{\"template\": \"nope\"}").status()).isEqualTo(404);

    JsonNode types = json(server.get("/stage-types", "reader-token"));
    assertThat(types.findValuesAsText("id")).contains("git-clone", "maven-build", "docker-build", "slack");
    JsonNode git = null;
    for (JsonNode t : types) if (t.path("id").asText().equals("git-clone")) git = t;
    assertThat(git.path("category").asText()).isEqualTo("source");
    assertThat(git.path("inputs").findValuesAsText("name")).contains("repository", "depth");
  }

  @Test
  void theOpenApiDocumentDescribesEveryRoute() throws Exception {
    JsonNode doc = json(server.get("/openapi.json", null));
    assertThat(doc.path("openapi").asText()).isEqualTo("3.1.0");
    for (String route : server.servlet.routeList()) {
      String method = route.substring(0, route.indexOf(' ')).toLowerCase();
      String path = route.substring(route.indexOf(' ') + 1);
      assertThat(doc.path("paths").path(path).has(method)).as(route + " is in openapi.json").isTrue();
    }
    int operations = 0;
    for (JsonNode p : doc.path("paths")) operations += p.size();
    assertThat(operations).as("no operation without a route").isEqualTo(server.servlet.routeList().size());
  }

  /**
   * A request refused before its body was read leaves the connection able to carry the next one (the body is read away),
   * or says it closes when the body is large: a client reusing it found it closed under its next request.
   */
  @Test
  void aRefusedRequestsBodyDoesNotSpoilItsConnection() throws Exception {
    try (java.net.Socket socket = new java.net.Socket(server.base.getHost(), server.base.getPort())) {
      socket.setSoTimeout(10_000);
      var out = socket.getOutputStream();
      var in = new java.io.BufferedInputStream(socket.getInputStream());
      String body = "{\"pipelinekit\": 1, \"id\": \"" + "x".repeat(20_000) + "\"}";
      String head = "POST " + server.base.getPath() + "/pipelines HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer reader-token\r\n"
          + "Content-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n";
      out.write(head.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      out.flush();
      Thread.sleep(300); // a slow client: the server has the request's head (and refuses it) before its body arrives
      out.write(body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      out.write(("GET " + server.base.getPath() + "/pipelines HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer reader-token\r\n\r\n")
          .getBytes(java.nio.charset.StandardCharsets.UTF_8));
      out.flush();
      assertThat(readResponse(in)).startsWith("HTTP/1.1 403").doesNotContainIgnoringCase("connection: close");
      assertThat(readResponse(in)).as("the next request on the same connection").startsWith("HTTP/1.1 200");
    }
  }

  /** One HTTP/1.1 response with a Content-Length body: its head and body as text. */
  private static String readResponse(java.io.BufferedInputStream in) throws java.io.IOException {
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) throw new java.io.EOFException("the connection closed after: " + head);
      head.append((char) b);
    }
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)").matcher(head);
    int length = m.find() ? Integer.parseInt(m.group(1)) : 0;
    return head + new String(in.readNBytes(length), java.nio.charset.StandardCharsets.UTF_8);
  }
}
