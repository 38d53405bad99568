package org.pipelinekit.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedHostTest {
  @Test
  void thePortalServesItsPagesAndPipelineKitAtCi(@TempDir Path dir) throws Exception {
    try (EmbeddedHost host = new EmbeddedHost(dir, 0)) {
      HttpClient http = HttpClient.newHttpClient();
      String base = "http://127.0.0.1:" + host.port();
      HttpResponse<String> home = http.send(HttpRequest.newBuilder(URI.create(base + "/")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(home.body()).contains("Acme developer portal");
      String pipeline = "{\"pipelinekit\": 1, \"id\": \"portal-ci\", \"stages\": [{\"id\": \"hello\", \"steps\": [{\"run\": \"echo hi\"}]}]}";
      HttpResponse<String> byDeveloper = http.send(HttpRequest.newBuilder(URI.create(base + "/ci/api/v1/pipelines"))
          .header("Authorization", "Bearer key-bo").POST(HttpRequest.BodyPublishers.ofString(pipeline)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(byDeveloper.statusCode()).isEqualTo(403);
      HttpResponse<String> byPlatform = http.send(HttpRequest.newBuilder(URI.create(base + "/ci/api/v1/pipelines"))
          .header("Authorization", "Bearer key-ana").POST(HttpRequest.BodyPublishers.ofString(pipeline)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(byPlatform.statusCode()).isEqualTo(201);
      HttpResponse<String> run = http.send(HttpRequest.newBuilder(URI.create(base + "/ci/api/v1/pipelines/portal-ci/execute"))
          .header("Authorization", "Bearer key-bo").POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(run.statusCode()).isEqualTo(202);
      assertThat(http.send(HttpRequest.newBuilder(URI.create(base + "/ci/api/v1/pipelines/templates"))
          .header("Authorization", "Bearer key-bo").build(), HttpResponse.BodyHandlers.ofString()).body()).contains("java-maven");
    }
  }
}
