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
import org.pipelinekit.jdbc.JdbcStores;
import org.pipelinekit.jdbc.TestPostgres;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * With pipeline-jdbc and the application's DataSource (a PostgreSQL server the test starts in target/), the starter keeps
 * pipelines, executions and logs in that database: a pipeline created and run over HTTP is in its pk_ tables, not in files.
 */
@SpringBootTest(classes = org.pipelinekit.spring.portal.PortalApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = "spring.autoconfigure.exclude=org.springframework.boot.autoconfigure.security.servlet.SecurityAutoConfiguration,"
        + "org.springframework.boot.autoconfigure.security.servlet.SecurityFilterAutoConfiguration,"
        + "org.springframework.boot.autoconfigure.security.servlet.UserDetailsServiceAutoConfiguration,"
        + "org.springframework.boot.actuate.autoconfigure.security.servlet.ManagementWebSecurityAutoConfiguration")
class JdbcStarterTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path data;

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    TestPostgres postgres = TestPostgres.shared();
    String database = postgres.newDatabase();
    registry.add("spring.datasource.url", () -> postgres.url(database));
    registry.add("spring.datasource.username", postgres::user);
    registry.add("pipelinekit.data-dir", () -> data.toString());
  }

  @LocalServerPort int port;
  @Autowired JdbcStores stores;
  @Autowired JdbcTemplate sql;
  private final HttpClient http = HttpClient.newHttpClient();

  private HttpResponse<String> send(String method, String path, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(60))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
        .header("Authorization", "Bearer portal-token");
    if (body != null) b.header("Content-Type", "application/json");
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void pipelinesExecutionsAndLogsAreKeptInTheApplicationsDatabase() throws Exception {
    HttpResponse<String> created = send("POST", "/ci/api/v1/pipelines",
        "{\"pipelinekit\": 1, \"id\": \"in-db\", \"stages\": [{\"id\": \"a\", \"steps\": [{\"run\": \"echo kept in postgres\"}]}]}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    String id = JSON.readTree(send("POST", "/ci/api/v1/pipelines/in-db/execute", "{}").body()).path("id").asText();
    assertThat(send("GET", "/ci/api/v1/executions/" + id + "/events", null).body()).contains("event: ExecutionFinished");
    assertThat(JSON.readTree(send("GET", "/ci/api/v1/executions/" + id, null).body()).path("status").asText()).isEqualTo("SUCCEEDED");

    assertThat(stores.pipelines().find("in-db")).as("the pipeline is in the database").isPresent();
    assertThat(sql.queryForObject("select count(*) from pk_pipeline", Integer.class)).isPositive();
    assertThat(stores.executions().load(id)).as("the execution is in the database").isPresent();
    assertThat(send("GET", "/ci/api/v1/executions/" + id + "/logs/text", null).body()).contains("kept in postgres");
    assertThat(data.resolve("pipelines")).as("not in files").doesNotExist();
    assertThat(data.resolve("executions")).doesNotExist();
  }
}
