package org.pipelinekit.samples;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pipelinekit.core.run.ExecutionStatus;

class NotifySampleTest {
  @Test
  void aFailedRunTellsTheWebhook_andTheReadmeShowsHowToWireIt(@TempDir Path dir) throws Exception {
    HttpServer receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    List<String> bodies = new CopyOnWriteArrayList<>();
    receiver.createContext("/", x -> {
      bodies.add(new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      x.sendResponseHeaders(204, -1);
      x.close();
    });
    receiver.start();
    try {
      NotifySample.Result r = NotifySample.run(dir, "http://127.0.0.1:" + receiver.getAddress().getPort() + "/ci");
      assertThat(r.execution().status()).isEqualTo(ExecutionStatus.FAILED);
      assertThat(r.deliveries()).singleElement().satisfies(d -> assertThat(d.outcome()).isEqualTo("sent"));
      assertThat(bodies).singleElement().asString().contains("\"event\":\"failed\"", "\"link\":\"https://ci.example.org/#/executions/java-ci-1\"");
    } finally {
      receiver.stop(0);
    }
  }
}
