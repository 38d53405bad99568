package org.pipelinekit.notify.internal;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.pipelinekit.notify.DeliveryException;

/** JSON over HTTP for the channels: a 2xx is delivered, a 429 or 5xx or an I/O failure may be retried, any other status not. */
public final class Http {
  private final HttpClient client;

  public Http(HttpClient client) {
    this.client = client;
  }

  public static HttpClient defaultClient() {
    return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).followRedirects(HttpClient.Redirect.NEVER).build();
  }

  /** POSTs {@code body}; the answer's body when the status is 2xx. */
  public String post(String url, String body, Map<String, String> headers) throws DeliveryException, InterruptedException {
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      throw new DeliveryException("'" + redact(url) + "' is not a URL: " + e.getMessage(), false);
    }
    if (uri.getScheme() == null || !(uri.getScheme().equals("https") || uri.getScheme().equals("http")) || uri.getHost() == null) {
      throw new DeliveryException("'" + redact(url) + "' is not an http(s) URL", false);
    }
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
        .header("User-Agent", "PipelineKit").POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    headers.forEach(b::header);
    HttpResponse<String> r;
    try {
      r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new DeliveryException(uri.getHost() + " did not answer: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), true);
    }
    int status = r.statusCode();
    if (status / 100 == 2) return r.body();
    String said = r.body() == null ? "" : r.body().strip();
    if (said.length() > 200) said = said.substring(0, 200) + "…";
    throw new DeliveryException(uri.getHost() + " answered " + status + (said.isEmpty() ? "" : ": " + said), status == 429 || status >= 500);
  }

  /** A URL as messages may show it: without its path and query, which hold webhook tokens. */
  public static String redact(String url) {
    int scheme = url.indexOf("://");
    if (scheme < 0) return "…";
    int path = url.indexOf('/', scheme + 3);
    return path < 0 ? url : url.substring(0, path) + "/…";
  }
}
