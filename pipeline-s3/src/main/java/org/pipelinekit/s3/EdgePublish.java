package org.pipelinekit.s3;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.Stream;
import org.pipelinekit.core.spi.StepAction;
import org.pipelinekit.core.spi.StepContext;
import org.pipelinekit.core.spi.StepExit;
import software.amazon.awssdk.services.s3.model.S3Object;

/** One deploy-edge stage to S3: upload the directory's files (content types set), then delete what is no longer there. */
final class EdgePublish implements StepAction {
  // (no charset parameters: s3proxy, which the tests use, fails the signature of a Content-Type with one)
  private static final Map<String, String> TYPES = Map.of("html", "text/html", "css", "text/css",
      "js", "text/javascript", "mjs", "text/javascript", "json", "application/json", "svg", "image/svg+xml",
      "txt", "text/plain", "wasm", "application/wasm", "woff2", "font/woff2", "map", "application/json");
  private volatile boolean cancelled;

  @Override
  public CompletionStage<StepExit> run(StepContext ctx) {
    return CompletableFuture.supplyAsync(() -> publish(ctx), ctx.blockingExecutor());
  }

  @Override
  public void cancel() {
    cancelled = true;
  }

  private StepExit publish(StepContext ctx) {
    Map<String, Object> in = ctx.inputs();
    Object bucketName = in.get("bucket");
    if (bucketName == null) return StepExit.failed(1, "deploy-edge to s3 needs bucket: the bucket to publish to", Map.of());
    Path dir = ctx.workspace().resolve(String.valueOf(in.getOrDefault("directory", "dist"))).normalize();
    if (!dir.startsWith(ctx.workspace()) || !Files.isDirectory(dir)) {
      return StepExit.failed(1, "no directory " + in.getOrDefault("directory", "dist") + " in the workspace to publish", Map.of());
    }
    String region = String.valueOf(in.getOrDefault("region", "us-east-1"));
    String prefix = String.valueOf(in.getOrDefault("prefix", "")).replaceAll("^/+", "");
    Object access = in.get("access_key");
    Object secret = in.get("secret_key");
    if ((access == null) != (secret == null)) return StepExit.failed(1, "give access_key and secret_key together, or neither", Map.of());
    Object endpoint = in.get("endpoint");
    try (S3Bucket bucket = S3Bucket.connect(endpoint == null ? null : URI.create(String.valueOf(endpoint)), region,
        access == null ? null : String.valueOf(access), secret == null ? null : String.valueOf(secret), String.valueOf(bucketName), prefix)) {
      List<Path> files;
      try (Stream<Path> s = Files.walk(dir)) {
        files = s.filter(Files::isRegularFile).sorted().toList();
      }
      Set<String> published = new HashSet<>();
      long bytes = 0;
      for (Path f : files) {
        if (cancelled) return StepExit.of(143);
        String name = dir.relativize(f).toString().replace('\\', '/');
        bucket.upload(name, f, contentType(name));
        published.add(name);
        bytes += Files.size(f);
      }
      int removed = 0;
      for (S3Object o : bucket.list("")) {
        String name = bucket.nameOf(o);
        if (!published.contains(name)) {
          bucket.delete(name);
          removed++;
        }
      }
      ctx.log("published " + files.size() + " files (" + bytes + " bytes) to s3://" + bucketName + "/" + prefix + (removed > 0 ? ", removed "
          + removed + " no longer there" : ""));
      String url = in.get("public_url") != null ? String.valueOf(in.get("public_url"))
          : (endpoint != null ? String.valueOf(endpoint).replaceAll("/+$", "") + "/" + bucketName : "https://" + bucketName + ".s3." + region
              + ".amazonaws.com") + "/" + prefix;
      Map<String, String> deployment = new java.util.LinkedHashMap<>();
      deployment.put("region", region);
      deployment.put("url", url);
      List<Map<String, String>> deployments = new ArrayList<>(List.of(deployment));
      ctx.output("deployments", new ObjectMapper().writeValueAsString(deployments));
      return StepExit.SUCCESS;
    } catch (IOException e) {
      return StepExit.failed(1, e.getMessage(), Map.of());
    }
  }

  static String contentType(String name) {
    int dot = name.lastIndexOf('.');
    String ext = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    String known = TYPES.get(ext);
    if (known != null) return known;
    String guessed = URLConnection.guessContentTypeFromName(name);
    return guessed != null ? guessed : "application/octet-stream";
  }
}
