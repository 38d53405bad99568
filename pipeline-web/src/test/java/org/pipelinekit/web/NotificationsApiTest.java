package org.pipelinekit.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.pipelinekit.web.ApiServer.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pipelinekit.notify.Notifier;
import org.pipelinekit.web.analytics.PipelineAnalytics;

/** A run's notifications through the API: a receiver that keeps failing is retried, the failure is on the run, and the run is as it was. */
class NotificationsApiTest {
  @TempDir Path dir;

  @Test
  void aRunsNotificationsAreOnItsRecord_evenTheOnesThatCouldNotBeDelivered() throws Exception {
    HttpServer receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    AtomicInteger calls = new AtomicInteger();
    receiver.createContext("/", x -> {
      calls.incrementAndGet();
      x.getRequestBody().readAllBytes();
      x.sendResponseHeaders(503, -1);
      x.close();
    });
    receiver.start();
    Notifier notifier = Notifier.builder().retries(2, Duration.ofMillis(10)).build();
    CountDownLatch decided = new CountDownLatch(1);
    notifier.onDelivery(d -> decided.countDown());
    try (ApiServer server = new ApiServer(dir, PipelineAnalytics.builder(), Duration.ofSeconds(15), b -> b.listener(notifier.listener()),
        (sb, service, executor) -> {
          notifier.attach(executor);
          sb.notifier(notifier);
        })) {
      assertThat(server.post("/pipelines", "admin-token", """
          {"pipelinekit": 1, "id": "told", "notify": [{"on": ["succeeded"], "webhook": {"url": "http://127.0.0.1:%d/hook"}}],
           "stages": [{"id": "build", "steps": [{"run": "true"}]}]}
          """.formatted(receiver.getAddress().getPort())).status()).isEqualTo(201);
      String id = json(server.post("/pipelines/told/execute", "admin-token", "{}")).path("id").asText();
      server.executor.execution(id).orElseThrow().completion().get(60, TimeUnit.SECONDS);
      assertThat(decided.await(30, TimeUnit.SECONDS)).isTrue();

      JsonNode list = json(server.get("/executions/" + id + "/notifications", "admin-token"));
      assertThat(list).hasSize(1);
      assertThat(list.get(0).path("channel").asText()).isEqualTo("webhook");
      assertThat(list.get(0).path("outcome").asText()).isEqualTo("failed");
      assertThat(list.get(0).path("attempts").asInt()).isEqualTo(2);
      assertThat(list.get(0).path("detail").asText()).isEqualTo("127.0.0.1 answered 503 (after 2 attempts)");
      assertThat(calls.get()).isEqualTo(2);
      assertThat(json(server.get("/executions/" + id, "admin-token")).path("status").asText()).as("the run is as it was").isEqualTo("SUCCEEDED");
      assertThat(server.get("/executions/nope-1/notifications", "admin-token").status()).isEqualTo(404);
    } finally {
      notifier.close();
      receiver.stop(0);
    }
  }
}
