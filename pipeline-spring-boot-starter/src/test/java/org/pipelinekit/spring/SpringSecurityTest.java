package org.pipelinekit.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** With Spring Security and no Authenticator of the application's own, Spring Security's user is PipelineKit's principal. */
@SpringBootTest(classes = org.pipelinekit.spring.secured.SecuredPortalApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SpringSecurityTest {
  @TempDir static Path data;

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("pipelinekit.data-dir", () -> data.toString());
    registry.add("spring.autoconfigure.exclude", () -> "org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration");
    registry.add("spring.security.user.name", () -> "ana");
    registry.add("spring.security.user.password", () -> "s3cure-pa55");
    registry.add("spring.security.user.roles", () -> "OPS");
  }

  @LocalServerPort int port;

  @Test
  void theSignedInUserIsPipelineKitsPrincipal() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    String basic = "Basic " + Base64.getEncoder().encodeToString("ana:s3cure-pa55".getBytes(StandardCharsets.UTF_8));
    HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ci/api/v1/pipelines"))
        .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(anonymous.statusCode()).isEqualTo(401);
    HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ci/api/v1/pipelines"))
        .timeout(Duration.ofSeconds(30)).header("Authorization", basic).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("""
            {"pipelinekit": 1, "id": "gated", "stages": [{"id": "ship", "approval": {"approvers": ["OPS"]}, "steps": [{"run": "true"}]}]}
            """)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    HttpResponse<String> audit = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ci/api/v1/audit"))
        .timeout(Duration.ofSeconds(30)).header("Authorization", basic).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(audit.statusCode()).as(audit.body()).isEqualTo(200);
    assertThat(audit.body()).as("the audit log names Spring Security's user").contains("\"actor\":\"ana\"", "pipeline.create");
  }
}
