package org.pipelinekit.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.pipelinekit.artifacts.AccessPolicy;
import org.pipelinekit.artifacts.ArtifactManager;
import org.pipelinekit.artifacts.FileArtifactStore;
import org.pipelinekit.core.engine.PipelineExecutor;
import org.pipelinekit.core.engine.Principal;
import org.pipelinekit.core.secret.InMemorySecretStore;
import org.pipelinekit.core.service.PipelineService;
import org.pipelinekit.core.store.FilePipelineStore;
import org.pipelinekit.templates.TemplateLibrary;
import org.pipelinekit.web.analytics.PipelineAnalytics;

/**
 * The servlet in embedded Jetty on a free loopback port, mounted at {@code /ci/*}, with a real
 * executor (local runner), file stores, artifacts, the built-in templates and three callers:
 * {@code admin-token} (everything), {@code reader-token} (read only), {@code lead-token} (a team lead
 * who may approve).
 */
final class ApiServer implements AutoCloseable {
  final Server jetty;
  final PipelineKitServlet servlet;
  final PipelineExecutor executor;
  final ArtifactManager artifacts;
  final PipelineAnalytics analytics;
  final URI base;
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  ApiServer(Path dir, PipelineAnalytics.Builder analyticsBuilder, Duration heartbeat) throws Exception {
    this(dir, analyticsBuilder, heartbeat, b -> { });
  }

  ApiServer(Path dir, PipelineAnalytics.Builder analyticsBuilder, Duration heartbeat,
      java.util.function.Consumer<PipelineExecutor.Builder> customize) throws Exception {
    this(dir, analyticsBuilder, heartbeat, customize, s -> { });
  }

  ApiServer(Path dir, PipelineAnalytics.Builder analyticsBuilder, Duration heartbeat,
      java.util.function.Consumer<PipelineExecutor.Builder> customize,
      java.util.function.Consumer<PipelineKitServlet.Builder> customizeServlet) throws Exception {
    this(dir, analyticsBuilder, heartbeat, customize, (sb, service, executor) -> customizeServlet.accept(sb));
  }

  /** What a test adds to the servlet, knowing the service and executor the server made. */
  interface ServletCustomizer {
    void customize(PipelineKitServlet.Builder servlet, PipelineService service, PipelineExecutor executor) throws Exception;
  }

  ApiServer(Path dir, PipelineAnalytics.Builder analyticsBuilder, Duration heartbeat,
      java.util.function.Consumer<PipelineExecutor.Builder> customize, ServletCustomizer customizeServlet) throws Exception {
    artifacts = ArtifactManager.builder(new FileArtifactStore(dir.resolve("artifacts")), AccessPolicy.allowAll())
        .signingKey(new byte[32]).build();
    analytics = analyticsBuilder.artifactStorage((pipeline, from, to) -> artifacts.gigabyteMonths(from, to).getOrDefault(pipeline, 0.0))
        .build();
    PipelineService service = PipelineService.builder().store(new FilePipelineStore(dir.resolve("pipelines"))).build();
    PipelineExecutor.Builder eb = PipelineExecutor.builder().dataDirectory(dir.resolve("data")).interceptor(artifacts.interceptor())
        .secrets(new InMemorySecretStore(Map.of("DEPLOY_TOKEN", "tok-5ecr3t-xyz"))).listener(analytics.listener())
        .admission(analytics.admission(() -> service.list().stream().map(org.pipelinekit.core.model.Pipeline::id).toList()));
    customize.accept(eb);
    executor = eb.build();
    analytics.attach(executor);
    PipelineKitServlet.Builder sb = PipelineKitServlet.builder(service, executor)
        .artifacts(artifacts)
        .templates(TemplateLibrary.builder().builtins().build())
        .analytics(analytics)
        .authenticator(Authenticator.bearerTokens(Map.of(
            "admin-token", Principal.of("admin", "admins"),
            "reader-token", Principal.of("rita", "readers"),
            "lead-token", Principal.of("lena", "team-leads"))))
        .authorizer(Authorizer.byGroups(Map.of(
            org.pipelinekit.core.access.Action.READ, java.util.List.of("admins", "readers", "team-leads"),
            org.pipelinekit.core.access.Action.EDIT, java.util.List.of("admins"),
            org.pipelinekit.core.access.Action.RUN, java.util.List.of("admins", "team-leads"),
            org.pipelinekit.core.access.Action.APPROVE, java.util.List.of("admins", "team-leads"))))
        .maxBodyBytes(64 * 1024)
        .heartbeat(heartbeat);
    customizeServlet.customize(sb, service, executor);
    servlet = sb.build();
    jetty = new Server();
    ServerConnector connector = new ServerConnector(jetty);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    jetty.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/");
    ServletHolder holder = new ServletHolder(servlet);
    holder.setAsyncSupported(true);
    context.addServlet(holder, "/ci/*");
    jetty.setHandler(context);
    jetty.start();
    base = URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/ci/api/v1");
  }

  record Response(int status, String contentType, String body, java.net.http.HttpHeaders headers) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  /** A JSON body read, or the test fails showing the body that was not JSON. */
  static JsonNode json(String body) {
    try {
      return JSON.readTree(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("not JSON: " + body, e);
    }
  }

  static JsonNode json(Response r) {
    return json(r.body());
  }

  Response send(String method, String path, String token, String contentType, String body, Map<String, String> headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (token != null) b.header("Authorization", "Bearer " + token);
    if (contentType != null) b.header("Content-Type", contentType);
    headers.forEach(b::header);
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    return new Response(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body(), r.headers());
  }

  Response get(String path, String token) throws IOException, InterruptedException {
    return send("GET", path, token, null, null, Map.of());
  }

  Response post(String path, String token, String json) throws IOException, InterruptedException {
    return send("POST", path, token, "application/json", json, Map.of());
  }

  @Override
  public void close() throws Exception {
    jetty.stop();
    executor.close();
    artifacts.close();
  }
}
