package org.pipelinekit.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.pipelinekit.web.ApiServer.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pipelinekit.web.analytics.PipelineAnalytics;

/**
 * Flaky tests in the analytics, from the tests a unit-tests stage read in its JUnit reports: a test that failed and then
 * passed on the job's retry, and one that failed in a run of a commit and passed in another run of the same commit. A test
 * that fails every time is not flaky.
 */
class FlakyTestsTest {
  @TempDir Path dir;

  @Test
  void aTestThatPassesOnARetryOrFlipsOnTheSameCommitIsFlaky_oneThatAlwaysFailsIsNot() throws Exception {
    Path counter = Files.createDirectories(dir.resolve("counter"));
    // login fails on each run's first attempt (a file outside the workspace counts attempts), cart fails in the run
    // whose parameter says so, pay always fails
    String command = "n=$(cat " + counter + "/${{ execution.id }} 2>/dev/null || echo 0); echo $((n + 1)) > " + counter
        + "/${{ execution.id }}; printf '<testsuite>' > TEST-app.xml;"
        + " if [ $n = 0 ]; then printf '<testcase classname=\\\"app.Auth\\\" name=\\\"login\\\"><failure/></testcase>' >> TEST-app.xml;"
        + " else printf '<testcase classname=\\\"app.Auth\\\" name=\\\"login\\\"/>' >> TEST-app.xml; fi;"
        + " if [ '${{ params.cart }}' = fail ]; then printf '<testcase classname=\\\"app.Shop\\\" name=\\\"cart\\\"><failure/></testcase>' >> TEST-app.xml;"
        + " else printf '<testcase classname=\\\"app.Shop\\\" name=\\\"cart\\\"/>' >> TEST-app.xml; fi;"
        + " printf '<testcase classname=\\\"app.Shop\\\" name=\\\"pay\\\"><failure/></testcase></testsuite>' >> TEST-app.xml; exit 1";
    try (ApiServer server = new ApiServer(dir, PipelineAnalytics.builder(), Duration.ofSeconds(15))) {
      assertThat(server.post("/pipelines", "admin-token", """
          {"pipelinekit": 1, "id": "shop", "parameters": [{"name": "cart", "default": "pass"}],
           "stages": [{"id": "test", "type": "unit-tests", "with": {"command": "%s", "fail_on_failures": false},
                       "retry": {"limit": 1, "backoff": {"initial": "0s"}},
                       "gates": {"only-pay": "added(outputs.failed_tests, 'app.Shop.pay') == 0"}}]}
          """.formatted(command)).status()).isEqualTo(201);
      List<String> runs = new ArrayList<>();
      for (String cart : List.of("pass", "fail")) {
        String id = json(server.post("/pipelines/shop/execute", "admin-token", "{\"commit\": \"abc1234def5678\", \"parameters\": {\"cart\": \""
            + cart + "\"}}")).path("id").asText();
        server.executor.execution(id).orElseThrow().completion().get(60, TimeUnit.SECONDS);
        runs.add(id);
      }
      JsonNode report = json(server.get("/pipelines/shop/analytics", "admin-token"));
      List<String> flaky = new ArrayList<>();
      report.path("flakyTests").forEach(f -> flaky.add(f.path("stage").asText() + " " + f.path("test").asText() + ": " + f.path("why").asText()
          + " " + f.path("executions")));
      assertThat(flaky).as(report.toPrettyString()).containsExactlyInAnyOrder(
          "test app.Auth.login: passed on a retry [\"" + runs.get(0) + "\"]",
          "test app.Shop.cart: failed and passed on commit abc1234def56 [\"" + runs.get(1) + "\",\"" + runs.get(0) + "\"]");
    }
  }
}
