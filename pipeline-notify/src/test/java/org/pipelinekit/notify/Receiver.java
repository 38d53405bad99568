package org.pipelinekit.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** A loopback HTTP server that keeps every request and answers each path with the statuses it was told (else 200). */
final class Receiver implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();

  record Request(String method, String path, Map<String, List<String>> headers, String body) {
    String header(String name) {
      return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).findFirst().map(e -> e.getValue().get(0)).orElse(null);
    }

    JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new AssertionError("not JSON: " + body, e);
      }
    }
  }

  private final HttpServer server;
  final List<Request> requests = new CopyOnWriteArrayList<>();
  private final Map<String, Deque<Integer>> statuses = new ConcurrentHashMap<>();

  Receiver() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", x -> {
      String body = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      requests.add(new Request(x.getRequestMethod(), x.getRequestURI().getPath(), Map.copyOf(x.getRequestHeaders()), body));
      Deque<Integer> planned = statuses.get(x.getRequestURI().getPath());
      Integer status = planned == null ? null : planned.poll();
      byte[] answer = (status != null && status >= 400 ? "{\"error\": \"planned " + status + "\"}" : "{\"status\": \"ok\"}")
          .getBytes(StandardCharsets.UTF_8);
      x.sendResponseHeaders(status == null ? 200 : status, answer.length);
      x.getResponseBody().write(answer);
      x.close();
    });
    server.start();
  }

  String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  /** The next answers at {@code path}. */
  void answer(String path, Integer... codes) {
    statuses.computeIfAbsent(path, k -> new ArrayDeque<>()).addAll(List.of(codes));
  }

  List<Request> at(String prefix) {
    return requests.stream().filter(r -> r.path().startsWith(prefix)).toList();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
