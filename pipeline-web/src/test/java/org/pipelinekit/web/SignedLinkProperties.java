package org.pipelinekit.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.pipelinekit.web.ApiServer.json;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.pipelinekit.web.analytics.PipelineAnalytics;

/**
 * Signed artifact links over real HTTP: a download without a token is served only for one
 * well-formed, valid, unexpired signature of that artifact; every other query string (blank,
 * repeated, truncated, expired, for another artifact) is refused with 401, 403 or 410.
 */
class SignedLinkProperties {
  private static Path dir;
  private static ApiServer server;
  private static String artifact;
  private static String other;
  private static long expires;

  @BeforeContainer
  static void start() throws Exception {
    dir = Files.createTempDirectory("signed-links");
    server = new ApiServer(dir, PipelineAnalytics.builder(), Duration.ofSeconds(15));
    var created = server.post("/pipelines", "admin-token", """
        {"pipelinekit": 1, "id": "two-files",
         "stages": [{"id": "one", "artifacts": {"name": "one", "paths": ["one.txt"]}, "steps": [{"run": "echo one > one.txt"}]},
                    {"id": "two", "artifacts": {"name": "two", "paths": ["two.txt"]}, "steps": [{"run": "echo two > two.txt"}]}]}
        """);
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    String id = json(server.post("/pipelines/two-files/execute", "admin-token", "{}")).path("id").asText();
    server.executor.execution(id).orElseThrow().completion().get(60, TimeUnit.SECONDS);
    var list = json(server.get("/executions/" + id + "/artifacts", "reader-token"));
    artifact = list.get(0).path("id").asText();
    other = list.get(1).path("id").asText();
    expires = Instant.now().plus(Duration.ofHours(1)).getEpochSecond();
  }

  @AfterContainer
  static void stop() throws Exception {
    server.close();
  }

  /** What the servlet signs: HMAC-SHA256 of "id\nexpires" with the test server's all-zero key. */
  private static String sign(String id, long at) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(new byte[32], "HmacSHA256"));
    return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal((id + "\n" + at).getBytes(StandardCharsets.UTF_8)));
  }

  private static int download(String query) throws Exception {
    URI uri = URI.create(server.base + "/artifacts/" + artifact + (query.isEmpty() ? "" : "?" + query));
    return server.http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  @Provide
  Arbitrary<List<String>> queries() throws Exception {
    long past = Instant.now().minus(Duration.ofMinutes(5)).getEpochSecond();
    String good = sign(artifact, expires);
    Arbitrary<String> part = Arbitraries.of(
        "signature=" + good, "signature=", "signature", "signature=%20", "signature=bad", "signature=" + good.substring(1),
        "signature=" + good + "%00", "signature=" + sign(other, expires), "signature=" + sign(artifact, past),
        "expires=" + expires, "expires=" + past, "expires=", "expires", "expires=abc", "expires=" + (expires + 1),
        "expires=-1", "expires=99999999999999999999", "Signature=" + good, "download=1");
    return part.list().ofMinSize(0).ofMaxSize(4);
  }

  @Property(tries = 300)
  void aDownloadWithoutTokenIsServedOnlyForOneValidSignature(@ForAll("queries") List<String> parts) throws Exception {
    String good = sign(artifact, expires);
    long signatures = parts.stream().filter(p -> p.startsWith("signature")).count();
    long expiries = parts.stream().filter(p -> p.startsWith("expires")).count();
    boolean valid = signatures == 1 && expiries == 1 && parts.contains("signature=" + good) && parts.contains("expires=" + expires);
    int status = download(String.join("&", parts));
    if (valid) {
      assertThat(status).as(parts.toString()).isEqualTo(200);
    } else {
      assertThat(status).as(parts.toString()).isIn(401, 403, 410);
    }
  }

  @Example
  void theProbesQueries_areRefused() throws Exception {
    long past = Instant.now().minus(Duration.ofMinutes(5)).getEpochSecond();
    for (String q : List.of("signature=", "signature", "signature=%20", "signature=&signature=bad", "expires=" + past + "&signature=",
        "expires=" + expires + "&signature=")) {
      assertThat(download(q)).as(q).isIn(401, 403);
    }
    assertThat(download("expires=" + past + "&signature=" + sign(artifact, past))).isEqualTo(410);
    assertThat(download("expires=" + expires + "&signature=" + sign(other, expires))).isEqualTo(403);
    assertThat(download("expires=" + expires + "&signature=" + sign(artifact, expires))).isEqualTo(200);
  }
}
