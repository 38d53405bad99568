package com.acme.portal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The portal sample as its users meet it: started on a random port, a pipeline created and run over HTTP at /ci/api/v1,
 * then the portal page, the designer and the run page in Debian's Chromium (e2e/spring-portal.e2e.mjs of pipeline-web's
 * frontend; -Dpipelinekit.browser.skip=true skips that part where there is no Chromium).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class PortalTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path FRONTEND = Path.of("../../pipeline-web/src/main/frontend").toAbsolutePath().normalize();
  private static final String TOKEN = "portal-ci-token";
  @TempDir static Path data;

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("pipelinekit.data-dir", () -> data.toString());
    registry.add("portal.ci-token", () -> TOKEN);
    registry.add("management.endpoint.health.show-details", () -> "always");
  }

  @LocalServerPort int port;
  private final HttpClient http = HttpClient.newHttpClient();

  private HttpResponse<String> send(String method, String path, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(60))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
        .header("Authorization", "Bearer " + TOKEN);
    if (body != null) b.header("Content-Type", "application/json");
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aPipelineCreatedAndRunOverHttp_thenThePortalDesignerAndRunPageInChromium() throws Exception {
    assertThat(send("GET", "/", null).body()).contains("Acme developer portal").contains("href=\"ci/\"");
    HttpResponse<String> created = send("POST", "/ci/api/v1/pipelines", """
        {"pipelinekit": 1, "id": "portal-ci", "stages": [
          {"id": "build", "steps": [{"run": "echo building the portal"}]},
          {"id": "test", "needs": ["build"], "steps": [{"run": "echo testing the portal"}]}]}
        """);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    HttpResponse<String> started = send("POST", "/ci/api/v1/pipelines/portal-ci/execute", "{}");
    assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
    String id = JSON.readTree(started.body()).path("id").asText();
    assertThat(send("GET", "/ci/api/v1/executions/" + id + "/events", null).body()).contains("event: ExecutionFinished");
    assertThat(JSON.readTree(send("GET", "/ci/api/v1/executions/" + id, null).body()).path("status").asText()).isEqualTo("SUCCEEDED");
    assertThat(send("GET", "/ci/api/v1/executions/" + id + "/logs/text", null).body()).contains("testing the portal");
    var health = JSON.readTree(send("GET", "/actuator/health", null).body());
    assertThat(health.path("status").asText()).isEqualTo("UP");
    assertThat(health.path("components").path("pipelineKit").path("details").path("pipelines").asInt())
        .as("the starter's health indicator, on this Boot line's health API: " + health).isEqualTo(1);

    if (Boolean.getBoolean("pipelinekit.browser.skip")) Assumptions.abort("browser part skipped by -Dpipelinekit.browser.skip=true");
    Path chromium = Path.of(System.getenv().getOrDefault("PIPELINEKIT_CHROMIUM", "/usr/bin/chromium"));
    assertThat(Files.isExecutable(chromium)).as(chromium + " is missing: scripts/test.sh installs Debian's chromium").isTrue();
    assertThat(FRONTEND.resolve("node_modules/playwright-core")).as("pipeline-web's build runs npm install").isDirectory();
    Path out = Files.createDirectories(Path.of("target/e2e").toAbsolutePath());
    Process node = new ProcessBuilder("node", "e2e/spring-portal.e2e.mjs", "http://127.0.0.1:" + port + "/ci/", TOKEN, out.toString(),
        "portal-ci", id).directory(FRONTEND.toFile()).redirectErrorStream(true).start();
    String said = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(node.waitFor(3, TimeUnit.MINUTES)).isTrue();
    System.out.println(said);
    assertThat(node.exitValue()).as("the browser run failed:\n" + said).isZero();
    assertThat(said).contains("e2e: the portal's page links to CI", "e2e: the designer opens portal-ci", "e2e: the run page says");
  }
}
