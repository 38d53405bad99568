package org.pipelinekit.web;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** A small server-sent events client over java.net.http: reads events until a condition, can drop the connection. */
final class Sse implements AutoCloseable {
  record Event(String id, String name, String data) {}

  final HttpResponse<InputStream> response;
  private final BufferedReader reader;

  Sse(HttpClient http, URI uri, String token, String lastEventId) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60)).header("Accept", "text/event-stream");
    if (token != null) b.header("Authorization", "Bearer " + token);
    if (lastEventId != null) b.header("Last-Event-ID", lastEventId);
    response = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
    reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
  }

  /** The next event, or null when the stream ended. Comments (keep-alives) are skipped. */
  Event next() throws IOException {
    String id = null;
    String name = "message";
    StringBuilder data = null;
    String line;
    while ((line = reader.readLine()) != null) {
      if (line.isEmpty()) {
        if (data != null) return new Event(id, name, data.toString());
        continue;
      }
      if (line.startsWith(":")) continue;
      int colon = line.indexOf(':');
      String field = colon < 0 ? line : line.substring(0, colon);
      String value = colon < 0 ? "" : line.substring(colon + 1).stripLeading();
      switch (field) {
        case "id" -> id = value;
        case "event" -> name = value;
        case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
        default -> { }
      }
    }
    return null;
  }

  /** Events up to and including the first that matches (or to the end of the stream). */
  List<Event> until(Predicate<Event> last) throws IOException {
    List<Event> out = new ArrayList<>();
    Event e;
    while ((e = next()) != null) {
      out.add(e);
      if (last.test(e)) break;
    }
    return out;
  }

  @Override
  public void close() throws IOException {
    response.body().close();
  }
}
