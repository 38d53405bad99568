package org.pipelinekit.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pipelinekit.core.format.PipelineFormat;
import org.pipelinekit.core.run.ExecutionStatus;
import org.pipelinekit.core.run.LogLine;
import org.pipelinekit.core.secret.InMemorySecretStore;

/**
 * maven-build deploys to a repository with credentials from secrets: the machine's Maven puts the jar and pom over HTTP to a
 * loopback repository that asks for basic authentication (as Nexus and Artifactory do), and the password never reaches the log.
 */
class MavenDeployTest {
  @TempDir Path dir;

  @Test
  void theJarAndPomGoToTheRepository_withTheStoredCredentials() throws Exception {
    List<String> stored = new CopyOnWriteArrayList<>();
    String expected = "Basic " + Base64.getEncoder().encodeToString("deployer:r3po-t0ken".getBytes(StandardCharsets.UTF_8));
    HttpServer repo = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    repo.createContext("/releases/", x -> {
      x.getRequestBody().readAllBytes();
      if (x.getRequestMethod().equals("PUT")) {
        if (!expected.equals(x.getRequestHeaders().getFirst("Authorization"))) {
          x.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"releases\"");
          x.sendResponseHeaders(401, -1);
        } else {
          stored.add(x.getRequestURI().getPath());
          x.sendResponseHeaders(201, -1);
        }
      } else {
        x.sendResponseHeaders(404, -1); // no metadata yet
      }
      x.close();
    });
    repo.start();
    try {
      Path source = Files.createDirectories(dir.resolve("source"));
      Files.writeString(source.resolve("pom.xml"), """
          <project xmlns="http://maven.apache.org/POM/4.0.0">
            <modelVersion>4.0.0</modelVersion>
            <groupId>com.example</groupId>
            <artifactId>shop-lib</artifactId>
            <version>1.4.0</version>
            <properties><maven.compiler.source>17</maven.compiler.source><maven.compiler.target>17</maven.compiler.target></properties>
          </project>
          """);
      try (PipelineExecutor executor = PipelineExecutor.builder().dataDirectory(dir.resolve("data")).source(source)
          .secrets(new InMemorySecretStore(Map.of("REPO_USER", "deployer", "REPO_TOKEN", "r3po-t0ken"))).build()) {
        Execution run = executor.execute(PipelineFormat.YAML.read("""
            id: lib
            stages:
              - id: release
                type: maven-build
                with:
                  goals: deploy
                  arguments: -B -q
                  deploy_repository: http://127.0.0.1:%d/releases
                  repository_username: ${{ secrets.REPO_USER }}
                  repository_password: ${{ secrets.REPO_TOKEN }}
            """.formatted(repo.getAddress().getPort())));
        ExecutionSnapshot done = run.completion().get(300, TimeUnit.SECONDS);
        List<String> log = run.logs().read("release", 1, 10_000).stream().map(LogLine::text).toList();
        assertThat(done.status()).as(String.join("\n", log)).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(String.join("\n", log)).doesNotContain("r3po-t0ken");
        assertThat(done.stage("release").outputs()).containsEntry("version", "1.4.0");
      }
      assertThat(stored).contains("/releases/com/example/shop-lib/1.4.0/shop-lib-1.4.0.jar", "/releases/com/example/shop-lib/1.4.0/shop-lib-1.4.0.pom");
      assertThat(Files.list(dir.resolve("source")).map(p -> p.getFileName().toString())).as("no settings file left in the workspace")
          .doesNotContain("pipelinekit-settings.xml");
    } finally {
      repo.stop(0);
    }
  }
}
