package org.pipelinekit.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pipelinekit.core.engine.PipelineExecutor;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The starter in a Spring Boot application on a random port: the API at /ci/api/v1 creates and runs a pipeline over HTTP,
 * its event stream ends with the run, and the designer's page is served at /ci/ with its base set there.
 */
@SpringBootTest(classes = org.pipelinekit.spring.portal.PortalApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = "spring.autoconfigure.exclude=org.springframework.boot.autoconfigure.security.servlet.SecurityAutoConfiguration,"
        + "org.springframework.boot.autoconfigure.security.servlet.SecurityFilterAutoConfiguration,"
        + "org.springframework.boot.autoconfigure.security.servlet.UserDetailsServiceAutoConfiguration,"
        + "org.springframework.boot.actuate.autoconfigure.security.servlet.ManagementWebSecurityAutoConfiguration,"
        + "org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration") // (files: JdbcStarterTest has the database)
class StarterTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path data;

  @DynamicPropertySource
  static void dataDir(DynamicPropertyRegistry registry) {
    registry.add("pipelinekit.data-dir", () -> data.toString());
    registry.add("pipelinekit.max-parallel-jobs", () -> "2");
    registry.add("management.endpoint.health.show-details", () -> "always");
    registry.add("management.endpoints.web.exposure.include", () -> "health,metrics");
  }

  @LocalServerPort int port;
  @Autowired PipelineExecutor executor;
  private final HttpClient http = HttpClient.newHttpClient();

  private HttpResponse<String> send(String method, String path, String body, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(60))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (token != null) b.header("Authorization", "Bearer " + token);
    if (body != null) b.header("Content-Type", "application/json");
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void theApiCreatesAndRunsAPipeline_andTheDesignerIsServedAtTheConfiguredPath() throws Exception {
    assertThat(send("GET", "/ci/api/v1/pipelines", null, null).statusCode()).as("no token: refused").isEqualTo(401);
    HttpResponse<String> created = send("POST", "/ci/api/v1/pipelines", """
        {"pipelinekit": 1, "id": "hello", "stages": [{"id": "greet", "artifacts": {"paths": ["greeting.txt"]},
         "steps": [{"run": "echo hello from the portal; echo hello > greeting.txt"}]}]}
        """, "portal-token");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    HttpResponse<String> started = send("POST", "/ci/api/v1/pipelines/hello/execute", "{}", "portal-token");
    assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
    String id = JSON.readTree(started.body()).path("id").asText();
    HttpResponse<String> events = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ci/api/v1/executions/" + id
        + "/events")).timeout(Duration.ofSeconds(60)).header("Authorization", "Bearer portal-token").header("Accept", "text/event-stream")
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(events.body()).as("the stream ends with the run (async through Spring's servlet container)").contains("event: ExecutionFinished");
    assertThat(JSON.readTree(send("GET", "/ci/api/v1/executions/" + id, null, "portal-token").body()).path("status").asText())
        .isEqualTo("SUCCEEDED");
    assertThat(send("GET", "/ci/api/v1/executions/" + id + "/logs/text", null, "portal-token").body()).contains("hello from the portal");
    assertThat(executor.executions("hello", 10)).as("the application's executor bean ran it").hasSize(1);
    var artifacts = JSON.readTree(send("GET", "/ci/api/v1/executions/" + id + "/artifacts", null, "portal-token").body());
    assertThat(artifacts).as("the artifact manager bean stored it").hasSize(1);
    assertThat(send("GET", artifacts.get(0).path("url").asText(), null, null).body()).as("its signed link").contains("hello");
    assertThat(JSON.readTree(send("GET", "/ci/api/v1/pipelines/templates", null, "portal-token").body()).size())
        .as("the template library bean").isPositive();

    HttpResponse<String> page = send("GET", "/ci/", null, null);
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("<base href=\"/ci/\">");
    assertThat(data.resolve("pipelines")).as("kept in pipelinekit.data-dir").isDirectory();

    // Actuator: the health indicator, and the meters in the application's registry
    var health = JSON.readTree(send("GET", "/actuator/health", null, null).body()).path("components").path("pipelineKit");
    assertThat(health.path("status").asText()).as(health.toString()).isEqualTo("UP");
    assertThat(health.path("details").path("pipelines").asInt()).isEqualTo(1);
    var executions = JSON.readTree(send("GET", "/actuator/metrics/pipelinekit.executions", null, null).body());
    assertThat(executions.path("measurements").get(0).path("value").asDouble()).as(executions.toString()).isEqualTo(1.0);
  }
}
