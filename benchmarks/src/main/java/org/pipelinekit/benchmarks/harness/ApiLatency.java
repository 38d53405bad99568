package org.pipelinekit.benchmarks.harness;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.pipelinekit.core.engine.PipelineExecutor;
import org.pipelinekit.core.engine.Principal;
import org.pipelinekit.core.service.PipelineService;
import org.pipelinekit.core.store.FilePipelineStore;
import org.pipelinekit.web.Authenticator;
import org.pipelinekit.web.PipelineKitServlet;

/**
 * The web API over real HTTP on loopback (servlet in embedded Jetty, file stores, local runner):
 * <ol>
 *   <li>log latency: a process prints 10,000 lines, each its wall-clock time in nanoseconds, 0.2 ms
 *       apart; an SSE client following the stage's log takes arrival time minus that time; p50, p99,
 *       max, for each of several runs (the first included: no warm-up is left out). Goal: p99 under 10 ms in every run.
 *   <li>{@code POST /pipelines}: 1,000 creations of a 10-stage pipeline after 200 warm-up ones,
 *       one at a time; p50, p99. Goal: p99 under 20 ms.
 * </ol>
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar org.pipelinekit.benchmarks.harness.ApiLatency [lines] [runs]</pre>
 */
public final class ApiLatency {
  private ApiLatency() {}

  public static void main(String[] args) throws Exception {
    int lines = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    Path dir = Files.createTempDirectory("pipelinekit-api-latency-");
    System.out.printf(Locale.ROOT, "%d cores, load %s%n", Runtime.getRuntime().availableProcessors(),
        Harness.load());
    try (PipelineExecutor executor = PipelineExecutor.builder().dataDirectory(dir).build()) {
      PipelineService service = PipelineService.builder().store(new FilePipelineStore(dir.resolve("pipelines"))).build();
      PipelineKitServlet servlet = PipelineKitServlet.builder(service, executor)
          .authenticator(Authenticator.bearerTokens(Map.of("t", Principal.of("bench")))).build();
      Server jetty = new Server();
      ServerConnector connector = new ServerConnector(jetty);
      connector.setHost("127.0.0.1");
      jetty.addConnector(connector);
      ServletContextHandler ctx = new ServletContextHandler();
      ServletHolder holder = new ServletHolder(servlet);
      holder.setAsyncSupported(true);
      ctx.addServlet(holder, "/*");
      jetty.setHandler(ctx);
      jetty.start();
      String base = "http://127.0.0.1:" + connector.getLocalPort() + "/api/v1";
      HttpClient http = HttpClient.newHttpClient();
      try {
        for (int r = 0; r < runs; r++) logLatency(http, base, lines, r);
        createLatency(http, base);
      } finally {
        jetty.stop();
      }
    } finally {
      Harness.delete(dir);
    }
  }

  private static HttpResponse<String> post(HttpClient http, String url, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer t").header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static void logLatency(HttpClient http, String base, int lines, int round) throws Exception {
    String script = "import time\\ntime.sleep(1)\\nfor i in range(" + lines + "):\\n    print(time.time_ns(), flush=True)\\n    time.sleep(0.0002)";
    String pipeline = "{\"pipelinekit\": 1, \"id\": \"latency\", \"stages\": [{\"id\": \"emit\", \"steps\": [{\"run\": \"python3 -u -c '"
        + script.replace("'", "\\'") + "'\"}]}]}";
    if (round == 0) {
      HttpResponse<String> created = post(http, base + "/pipelines", pipeline);
      if (created.statusCode() != 201) throw new IllegalStateException(created.body());
    }
    HttpResponse<String> run = post(http, base + "/pipelines/latency/execute", "{}");
    String id = run.body().replaceAll("(?s).*\"id\":\"([^\"]+)\".*", "$1");
    HttpResponse<java.io.InputStream> sse = http.send(HttpRequest.newBuilder(URI.create(base + "/executions/" + id + "/logs?stage=emit"))
        .header("Authorization", "Bearer t").build(), HttpResponse.BodyHandlers.ofInputStream());
    long[] latencies = new long[lines];
    int n = 0;
    try (BufferedReader in = new BufferedReader(new InputStreamReader(sse.body(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null && n < lines) {
        if (!line.startsWith("data: ") || !line.contains("\"text\":\"")) continue;
        Instant now = Instant.now();
        String text = line.substring(line.indexOf("\"text\":\"") + 8, line.lastIndexOf('"'));
        if (!text.matches("\\d{19}")) continue;
        long sent = Long.parseLong(text);
        latencies[n++] = now.getEpochSecond() * 1_000_000_000L + now.getNano() - sent;
      }
    }
    long[] l = Arrays.copyOf(latencies, n);
    Arrays.sort(l);
    System.out.printf(Locale.ROOT, "log line (process stdout -> SSE client), %d lines: p50 %.2f ms, p99 %.2f ms, max %.2f ms (goal p99 < 10 ms)%n",
        n, l[n / 2] / 1e6, l[(int) Math.ceil(n * 0.99) - 1] / 1e6, l[n - 1] / 1e6);
  }

  private static void createLatency(HttpClient http, String base) throws Exception {
    StringBuilder stages = new StringBuilder();
    for (int s = 0; s < 10; s++) {
      if (s > 0) stages.append(',');
      stages.append("{\"id\": \"s").append(s).append('"').append(s > 0 ? ", \"needs\": [\"s" + (s - 1) + "\"]" : "")
          .append(", \"steps\": [{\"run\": \"make step-").append(s).append("\"}]}");
    }
    List<Double> times = new ArrayList<>();
    for (int i = 0; i < 1200; i++) {
      String body = "{\"pipelinekit\": 1, \"id\": \"p-" + i + "\", \"stages\": [" + stages + "]}";
      long t = System.nanoTime();
      HttpResponse<String> r = post(http, base + "/pipelines", body);
      double ms = (System.nanoTime() - t) / 1e6;
      if (r.statusCode() != 201) throw new IllegalStateException(r.body());
      if (i >= 200) times.add(ms);
    }
    times.sort(Double::compare);
    int n = times.size();
    System.out.printf(Locale.ROOT, "POST /pipelines (10 stages, file store), %d requests: p50 %.2f ms, p99 %.2f ms, max %.2f ms (goal p99 < 20 ms)%n",
        n, times.get(n / 2), times.get((int) Math.ceil(n * 0.99) - 1), times.get(n - 1));
  }
}
