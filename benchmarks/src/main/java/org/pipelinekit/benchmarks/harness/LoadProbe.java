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
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The outside probe's load test, kept: the standalone server ({@code pipelinekit.jar serve}) as a process
 * of its own, then
 * <ol>
 *   <li>1,000 executions of a one-step pipeline through {@code POST pipelines/load/execute}, sent 50 at a
 *       time, and waited for; the server's resident memory (VmRSS) and threads before, at their peak
 *       (sampled every 50 ms) and after, and how long the 1,000 took;
 *   <li>eight 1 MiB pipeline documents validated at once ({@code POST pipelines/validate}): wall time and
 *       the server's CPU time for them.
 * </ol>
 * The outside probe measured 240 → 443 MB peak → 538 MB RSS and 117 → 150 threads for step 1, and 9 s of both
 * cores for step 2.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar org.pipelinekit.benchmarks.harness.LoadProbe [pipelinekit.jar] [executions]</pre>
 */
public final class LoadProbe {
  private LoadProbe() {}

  record Sample(long rssKb, int threads, long cpuTicks) {}

  static Sample sample(long pid) {
    try {
      long rss = 0;
      int threads = 0;
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmRSS:")) rss = Long.parseLong(line.replaceAll("\\D", ""));
        if (line.startsWith("Threads:")) threads = Integer.parseInt(line.replaceAll("\\D", ""));
      }
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      long cpu = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime + stime, in clock ticks
      return new Sample(rss, threads, cpu);
    } catch (Exception e) {
      throw new IllegalStateException("cannot read /proc/" + pid + ": " + e.getMessage(), e);
    }
  }

  public static void main(String[] args) throws Exception {
    Path jar = Path.of(args.length > 0 ? args[0] : "pipeline-cli/target/pipelinekit.jar");
    int executions = args.length > 1 ? Integer.parseInt(args[1]) : 1_000;
    Path dir = Files.createTempDirectory("load-probe-");
    Files.createDirectories(dir.resolve("no-pipelines"));
    ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString(),
        "serve", "--port", "0", "--data-dir", dir.resolve("data").toString(), "--pipelines", dir.resolve("no-pipelines").toString());
    pb.environment().put("PIPELINEKIT_TOKEN", "probe-token"); // from the environment, never the command line
    Process server = pb.redirectErrorStream(true).start();
    ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
      String base = null;
      for (String line = out.readLine(); line != null && base == null; line = out.readLine()) {
        Matcher m = Pattern.compile("serving on (http://[0-9.:]+)/").matcher(line);
        if (m.find()) base = m.group(1) + "/api/v1";
      }
      if (base == null) throw new IllegalStateException("the server did not start");
      CompletableFuture.runAsync(() -> out.lines().forEach(l -> { })); // keep its output drained
      HttpClient http = HttpClient.newHttpClient();
      String api = base;
      send(http, "POST", api + "/pipelines", "{\"pipelinekit\": 1, \"id\": \"load\", \"stages\": [{\"id\": \"a\", \"steps\": [{\"run\": \"echo hi\"}]}]}");
      send(http, "POST", api + "/pipelines/load/execute", "{}"); // warm-up: the first run loads the engine's classes
      Thread.sleep(2_000);
      long pid = server.pid();
      Sample before = sample(pid);
      AtomicLong peakRss = new AtomicLong(before.rssKb());
      AtomicLong peakThreads = new AtomicLong(before.threads());
      sampler.scheduleAtFixedRate(() -> {
        Sample s = sample(pid);
        peakRss.accumulateAndGet(s.rssKb(), Math::max);
        peakThreads.accumulateAndGet(s.threads(), Math::max);
      }, 0, 50, TimeUnit.MILLISECONDS);

      long start = System.nanoTime();
      List<String> ids = new ArrayList<>();
      List<CompletableFuture<HttpResponse<String>>> batch = new ArrayList<>();
      for (int i = 0; i < executions; i++) {
        batch.add(http.sendAsync(request("POST", api + "/pipelines/load/execute", "{}"), HttpResponse.BodyHandlers.ofString()));
        if (batch.size() == 50 || i == executions - 1) {
          for (var f : batch) {
            HttpResponse<String> r = f.join();
            if (r.statusCode() != 202) throw new IllegalStateException("execute answered " + r.statusCode() + ": " + r.body());
            Matcher m = Pattern.compile("\"id\":\"([^\"]+)\"").matcher(r.body());
            if (m.find()) ids.add(m.group(1));
          }
          batch.clear();
        }
      }
      for (String id : ids) {
        while (!send(http, "GET", api + "/executions/" + id, null).matches("(?s).*\"status\":\"(SUCCEEDED|FAILED|CANCELLED)\".*")) {
          Thread.sleep(20);
        }
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      sampler.shutdownNow();
      System.gc();
      Thread.sleep(3_000);
      Sample after = sample(pid);
      System.out.printf(Locale.ROOT, "%d executions through the API in %.1f s (%.0f/s)%n", ids.size(), seconds, ids.size() / seconds);
      System.out.printf(Locale.ROOT, "server RSS: %d MB before, %d MB peak, %d MB after; threads: %d before, %d peak, %d after%n",
          before.rssKb() / 1024, peakRss.get() / 1024, after.rssKb() / 1024, before.threads(), peakThreads.get(), after.threads());

      String json = "{\"pipelinekit\": 1, \"id\": \"big\", \"description\": \"" + "x".repeat(1_000_000) + "\", \"stages\": [{\"id\": \"a\","
          + " \"steps\": [{\"run\": \"echo\"}]}]}";
      String yaml = "pipelinekit: 1\nid: big\ndescription: \"" + "ab \\n".repeat(1_000_000 / 5) + "\"\nstages: [{id: a, steps: [{run: echo}]}]\n";
      bodies(http, api, pid, "JSON", "application/json", json);
      bodies(http, api, pid, "YAML", "application/yaml", yaml);
    } finally {
      sampler.shutdownNow();
      server.destroy();
      server.waitFor(30, TimeUnit.SECONDS);
      Harness.delete(dir);
    }
  }

  /** Eight bodies validated at once: wall time and the server's CPU time. */
  private static void bodies(HttpClient http, String api, long pid, String kind, String type, String body) {
    Sample cpuBefore = sample(pid);
    long t0 = System.nanoTime();
    List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      answers.add(http.sendAsync(HttpRequest.newBuilder(URI.create(api + "/pipelines/validate")).header("Authorization", "Bearer probe-token")
          .header("Content-Type", type).POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString()));
    }
    List<Integer> statuses = answers.stream().map(f -> f.join().statusCode()).toList();
    double wall = (System.nanoTime() - t0) / 1e9;
    double cpu = (sample(pid).cpuTicks() - cpuBefore.cpuTicks()) / 100.0; // USER_HZ is 100 on Linux
    System.out.printf(Locale.ROOT, "eight %.1f MB %s bodies at once: %.2f s wall, %.2f s of server CPU, answers %s%n", body.length() / 1e6,
        kind, wall, cpu, statuses);
  }

  private static HttpRequest request(String method, String url, String body) {
    return HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer probe-token").header("Content-Type", "application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)).build();
  }

  private static String send(HttpClient http, String method, String url, String body) throws Exception {
    HttpResponse<String> r = http.send(request(method, url, body), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() >= 300) throw new IllegalStateException(method + " " + url + " answered " + r.statusCode() + ": " + r.body());
    return r.body();
  }
}
