package org.pipelinekit.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pipelinekit.core.format.PipelineFormat;
import org.pipelinekit.core.run.ExecutionStatus;
import org.pipelinekit.core.run.LogLine;
import org.pipelinekit.core.secret.InMemorySecretStore;

/**
 * node-build publishes to a registry with a token from secrets: verdaccio 6.8 (from npm, pinned in tools/verdaccio) on
 * loopback takes the package only from a signed-in user; the package is then there, and the token never in the log.
 */
class NpmPublishTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;

  @Test
  void thePackageIsPublishedWithTheStoredToken() throws Exception {
    Path verdaccio = Path.of("../tools/verdaccio/node_modules/.bin/verdaccio").toAbsolutePath().normalize();
    if (!Files.isExecutable(verdaccio)) fail("no " + verdaccio + ": npm ci --prefix tools/verdaccio (scripts/test.sh does)");
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Path home = Files.createDirectories(dir.resolve("verdaccio"));
    Files.writeString(home.resolve("config.yaml"), """
        storage: %s
        auth: { htpasswd: { file: %s, max_users: 10 } }
        uplinks: {}
        packages: { '**': { access: $all, publish: $authenticated } }
        log: { type: stdout, format: pretty, level: warn }
        """.formatted(home.resolve("storage"), home.resolve("htpasswd")));
    Process registry = new ProcessBuilder(verdaccio.toString(), "--config", home.resolve("config.yaml").toString(), "--listen",
        "127.0.0.1:" + port).redirectErrorStream(true).start();
    try {
      BufferedReader log = new BufferedReader(new InputStreamReader(registry.getInputStream(), StandardCharsets.UTF_8));
      StringBuilder said = new StringBuilder();
      for (String line = log.readLine(); ; line = log.readLine()) { // ready when it says where it listens
        if (line == null) fail("verdaccio stopped before it listened:\n" + said);
        said.append(line).append('\n');
        if (line.contains("http address")) break;
      }
      CompletableFuture.runAsync(() -> log.lines().forEach(l -> { }));
      String url = "http://127.0.0.1:" + port + "/";
      HttpClient http = HttpClient.newHttpClient();
      // a user of the registry, and their token (what npm login does)
      HttpResponse<String> signup = http.send(HttpRequest.newBuilder(URI.create(url + "-/user/org.couchdb.user:ci"))
          .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString("{\"name\": \"ci\", \"password\": \"n0de-pa55\"}"))
          .build(), HttpResponse.BodyHandlers.ofString());
      assertThat(signup.statusCode()).as(signup.body()).isEqualTo(201);
      String token = JSON.readTree(signup.body()).path("token").asText();
      assertThat(token).isNotBlank();

      Path source = Files.createDirectories(dir.resolve("source"));
      Files.writeString(source.resolve("package.json"), """
          { "name": "shop-ui", "version": "1.2.0", "main": "dist/index.js", "files": ["dist"],
            "scripts": { "build": "node -e \\"require('fs').mkdirSync('dist', {recursive: true}); require('fs').writeFileSync('dist/index.js', 'module.exports = 42;')\\"" } }
          """);
      Files.writeString(source.resolve("package-lock.json"), """
          { "name": "shop-ui", "version": "1.2.0", "lockfileVersion": 3, "requires": true,
            "packages": { "": { "name": "shop-ui", "version": "1.2.0" } } }
          """);
      try (PipelineExecutor executor = PipelineExecutor.builder().dataDirectory(dir.resolve("data")).source(source)
          .secrets(new InMemorySecretStore(Map.of("NPM_TOKEN", token))).build()) {
        Execution run = executor.execute(PipelineFormat.YAML.read("""
            id: ui
            stages:
              - id: release
                type: node-build
                with: { publish: true, registry: '%s', npm_token: '${{ secrets.NPM_TOKEN }}' }
            """.formatted(url)));
        ExecutionSnapshot done = run.completion().get(180, TimeUnit.SECONDS);
        List<String> lines = run.logs().read("release", 1, 10_000).stream().map(LogLine::text).toList();
        assertThat(done.status()).as(String.join("\n", lines)).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(done.stage("release").outputs()).containsEntry("published", "shop-ui@1.2.0");
        assertThat(String.join("\n", lines)).doesNotContain(token);
      }
      JsonNode pkg = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(url + "shop-ui")).build(), HttpResponse.BodyHandlers.ofString())
          .body());
      assertThat(pkg.path("versions").has("1.2.0")).as(pkg.toString()).isTrue();
      assertThat(pkg.path("dist-tags").path("latest").asText()).isEqualTo("1.2.0");
    } finally {
      registry.destroy();
      registry.waitFor(10, TimeUnit.SECONDS);
    }
  }
}
