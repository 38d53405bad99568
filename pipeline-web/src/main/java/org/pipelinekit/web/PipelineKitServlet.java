package org.pipelinekit.web;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.jspecify.annotations.Nullable;
import org.pipelinekit.artifacts.ArtifactException;
import org.pipelinekit.artifacts.ArtifactManager;
import org.pipelinekit.core.ErrorCode;
import org.pipelinekit.core.PipelineException;
import org.pipelinekit.core.engine.PipelineExecutor;
import org.pipelinekit.core.engine.Principal;
import org.pipelinekit.core.spi.AuditLog;
import org.pipelinekit.core.access.Action;
import org.pipelinekit.web.internal.Audits;
import org.pipelinekit.core.format.FormatProblem;
import org.pipelinekit.core.format.PipelineFormatException;
import org.pipelinekit.core.service.PipelineService;
import org.pipelinekit.core.stage.StageRegistry;
import org.pipelinekit.core.validate.PipelineValidationException;
import org.pipelinekit.templates.TemplateException;
import org.pipelinekit.templates.TemplateLibrary;
import org.pipelinekit.web.analytics.PipelineAnalytics;
import org.pipelinekit.web.internal.Api;
import org.pipelinekit.web.internal.Call;
import org.pipelinekit.web.internal.Json;
import org.pipelinekit.web.internal.Problems;
import org.pipelinekit.web.internal.Problems.ApiException;
import org.pipelinekit.web.internal.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PipelineKit's REST and SSE API (and, with pipeline-web's designer, its pages) as a Jakarta
 * Servlet 6 servlet a host mounts anywhere ({@code /ci/*}); the API is under {@code api/v1/}
 * below it, described by {@code api/v1/openapi.json}. It works with the host's own engine, stores
 * and policies:
 *
 * <pre>{@code
 * PipelineKitServlet api = PipelineKitServlet.builder(service, executor)
 *     .artifacts(artifacts).templates(library)
 *     .authenticator(request -> hostSessions.principal(request))
 *     .authorizer((principal, action, pipelineId) -> acl.allows(principal, action, pipelineId))
 *     .build();
 * context.addServlet(new ServletHolder(api), "/ci/*");   // async-supported
 * }</pre>
 *
 * <p>Errors are RFC 9457 problem details; invalid pipelines come with every problem and its path.
 * Log and event streams are server-sent events that resume from {@code Last-Event-ID}.
 */
public final class PipelineKitServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(PipelineKitServlet.class);

  private final transient Api api;
  private final transient List<Route> routes;
  private final transient Authenticator authenticator;
  private final transient Authorizer authorizer;
  private final transient List<String> corsOrigins;
  private final transient ScheduledExecutorService timer;
  /** Flushes event streams (a slow client holds one of these threads, never the timer or the engine's). */
  private final transient java.util.concurrent.ExecutorService flushers;
  private final long maxBody;
  private final transient AuditLog audit;
  private final transient java.time.Clock clock;

  private PipelineKitServlet(Builder b) {
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "pipelinekit-web-heartbeat");
      t.setDaemon(true);
      return t;
    });
    java.util.concurrent.atomic.AtomicInteger flusherCount = new java.util.concurrent.atomic.AtomicInteger();
    this.flushers = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "pipelinekit-web-flush-" + flusherCount.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    this.audit = b.audit;
    this.clock = b.clock;
    this.api = new Api(b.service, b.executor, Optional.ofNullable(b.artifacts), Optional.ofNullable(b.templates),
        b.registry != null ? b.registry : b.executor.registry(), b.analytics != null ? b.analytics
        : PipelineAnalytics.builder().executor(b.executor).build(), timer, flushers, b.heartbeat.toMillis(), b.kotlinScripts,
        Optional.ofNullable(b.triggers), b.authenticator::knownNames, b.audit,
        org.pipelinekit.core.access.PipelineAccess.of(b.service, b.executor, b.authorizer), Optional.ofNullable(b.notifier), b.project,
        b.projects);
    this.routes = api.routes();
    this.authenticator = b.authenticator;
    this.authorizer = b.authorizer;
    this.corsOrigins = List.copyOf(b.corsOrigins);
    this.maxBody = b.maxBodyBytes;
  }

  public static Builder builder(PipelineService service, PipelineExecutor executor) {
    return new Builder(service, executor);
  }

  /** The API's routes: method and path below {@code api/v1} (what the OpenAPI document describes). */
  public List<String> routeList() {
    return routes.stream().map(r -> r.method() + " " + r.pattern()).toList();
  }

  /** Server-sent event streams open now (a client that disconnects is taken off within a heartbeat). */
  public int openStreams() {
    return api.openStreams();
  }

  @Override
  protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    String path = Optional.ofNullable(req.getPathInfo()).orElse("/");
    String instance = req.getRequestURI();
    try {
      secure(resp);
      cors(req, resp);
      if (req.getMethod().equals("OPTIONS")) {
        resp.setStatus(corsOrigins.isEmpty() ? 405 : 204);
        return;
      }
      if (!path.startsWith("/api/v1/") && !path.equals("/api/v1")) {
        if (api.servePage(path, req, resp)) return;
        throw Problems.notFound("no page or endpoint at " + path + "; the API is under api/v1/ (see api/v1/openapi.json)");
      }
      String apiPath = path.substring("/api/v1".length());
      if (apiPath.isEmpty()) apiPath = "/";
      Route route = null;
      Map<String, String> vars = Map.of();
      boolean pathKnown = false;
      for (Route r : routes) {
        Optional<Map<String, String>> m = r.match(req.getMethod(), apiPath);
        if (m.isPresent()) {
          route = r;
          vars = m.get();
          break;
        }
        pathKnown |= r.matchesPath(apiPath);
      }
      if (route == null) {
        if (pathKnown) throw new ApiException(405, "method-not-allowed", "Method not allowed", req.getMethod() + " is not allowed on " + apiPath);
        throw Problems.notFound("no endpoint " + req.getMethod() + " " + apiPath + "; see api/v1/openapi.json");
      }
      Principal principal = null;
      Optional<Api.SignedLink> signed = route.pattern().equals("/artifacts/{id}") ? api.signedLink(req, vars.get("id")) : Optional.empty();
      signed.ifPresent(link -> req.setAttribute(Api.SIGNED_LINK, link)); // the download handler serves what was checked here
      boolean signedDownload = signed.isPresent();
      if (route.action() != null && !signedDownload) {
        Optional<Principal> who = authenticator.authenticate(req);
        if (who.isEmpty()) {
          resp.setHeader("WWW-Authenticate", "Bearer");
          throw new ApiException(401, "unauthenticated", "Unauthenticated", "sign in first: send Authorization: Bearer <token>");
        }
        principal = who.get();
        Optional<String> pipelineId = api.pipelineOf(route.pattern(), vars);
        boolean allowed = authorizer.allowed(principal, route.action(), pipelineId);
        // what changes something is recorded, and so is every refusal of who may do what
        if (!allowed || (!req.getMethod().equals("GET") && route.action() != Action.READ)) {
          // recorded as the status is set, before a byte of the answer goes out: whoever hears the answer finds the entry
          resp = new AuditedResponse(resp, new Audited(route, vars, principal), req);
        }
        if (!allowed) {
          throw new ApiException(403, "forbidden", "Forbidden", principal.name() + " may not " + route.action().name().toLowerCase()
              + pipelineId.map(p -> " pipeline " + p).orElse(" pipelines"));
        }
      }
      route.handler().handle(new Call(req, resp, vars, principal, maxBody));
    } catch (ApiException e) {
      problem(req, resp, e, instance);
    } catch (PipelineValidationException e) {
      problem(req, resp, new ApiException(422, "invalid-pipeline", "Invalid pipeline", "the pipeline has " + e.result().errors().size()
          + " errors", e.result().problems(), List.of()), instance);
    } catch (PipelineFormatException e) {
      // each problem with its line and column, so editors can mark the place
      ObjectNode doc = Problems.document(new ApiException(400, "malformed-pipeline", "Malformed pipeline", "the pipeline document has "
          + e.problems().size() + (e.problems().size() == 1 ? " problem" : " problems"), List.of(), List.of()), instance);
      ArrayNode list = doc.putArray("problems");
      for (FormatProblem p : e.problems()) {
        ObjectNode o = list.addObject();
        if (!p.path().isEmpty()) o.put("path", p.path());
        o.put("message", p.message() + " (line " + p.line() + ", column " + p.column() + ")").put("line", p.line()).put("column", p.column());
      }
      for (org.pipelinekit.core.validate.Problem p : api.laterProblems(e)) { // the later phases, in the same answer
        org.pipelinekit.web.internal.Json.problem(list, p);
      }
      send(req, resp, 400, doc);
    } catch (TemplateException e) {
      problem(req, resp, new ApiException(status(e.kind()), "template", "Template problem",
          e.problems().size() == 1 ? e.problems().get(0) : "the template cannot be used as asked: " + e.problems().size() + " problems",
          List.of(), e.problems()), instance);
    } catch (PipelineException e) {
      int status = status(e.kind());
      String detail = e.getMessage();
      if (status >= 500) { // the operator's log has which file; the caller learns what it means for them
        LOG.warn("{} {}: {}", req.getMethod(), instance, e.getMessage());
        detail = switch (e.kind()) {
          case FULL -> "the server's disk is full, so nothing was stored; try again once its operator has freed space";
          case UNAVAILABLE -> "the server cannot reach its storage now; try again later (its log has the details)";
          default -> "the server cannot read what it keeps; its log has the details";
        };
      }
      String title = e instanceof ArtifactException ? "Artifact problem" : status >= 500 ? "Storage unavailable" : "Request refused";
      problem(req, resp, new ApiException(status, e.code().toLowerCase().replace('_', '-'), title, detail), instance);
    } catch (IllegalArgumentException e) {
      problem(req, resp, Problems.badRequest("bad-request", e.getMessage()), instance);
    } catch (IOException e) { // the connection failed while the request was read or answered: the client went away
      LOG.debug("{} {}: the connection ended: {}", req.getMethod(), instance, e.toString());
    } catch (Exception e) {
      LOG.error("{} {} failed", req.getMethod(), instance, e);
      problem(req, resp, new ApiException(500, "internal", "Internal error", "the server failed to answer; its log has the details"), instance);
    } finally {
      if (resp instanceof AuditedResponse a) a.record(); // (when the status was never set: 200)
    }
  }

  /** A call the audit log hears about once it is answered. */
  private record Audited(Route route, Map<String, String> vars, Principal principal) {}

  /** The response of an audited call: its status, once set, makes the audit entry (once). */
  private final class AuditedResponse extends jakarta.servlet.http.HttpServletResponseWrapper {
    private final Audited audited;
    private final HttpServletRequest req;
    private boolean recorded;

    AuditedResponse(HttpServletResponse resp, Audited audited, HttpServletRequest req) {
      super(resp);
      this.audited = audited;
      this.req = req;
    }

    @Override
    public void setStatus(int sc) {
      super.setStatus(sc);
      record();
    }

    void record() {
      if (recorded) return;
      recorded = true;
      PipelineKitServlet.this.record(audited, req, (HttpServletResponse) getResponse());
    }
  }

  private void record(Audited a, HttpServletRequest req, HttpServletResponse resp) {
    int status = resp.getStatus();
    String outcome = status < 400 ? "ok" : status == 401 || status == 403 ? "denied" : status < 500 ? "refused" : "failed";
    Map<String, String> details = new java.util.TreeMap<>();
    details.put("status", Integer.toString(status));
    details.put("request", req.getMethod() + " " + a.route().pattern());
    details.put("address", String.valueOf(req.getRemoteAddr()));
    try {
      audit.append(clock.instant(), a.principal().name(), Audits.action(a.route()), Audits.target(a.route(), a.vars(), resp), outcome, details);
    } catch (RuntimeException e) { // what was asked is done (or refused); the operator must hear that its record is missing
      LOG.error("{} {} by {}: cannot record it in the audit log: {}", req.getMethod(), req.getRequestURI(), a.principal().name(), e.getMessage());
    }
  }

  /** The HTTP status of each kind of error: the one place the API maps errors (never by their codes). */
  static int status(ErrorCode.Kind kind) {
    return switch (kind) {
      case BAD_INPUT -> 400;
      case INVALID -> 422;
      case NOT_FOUND -> 404;
      case CONFLICT -> 409;
      case FORBIDDEN -> 403;
      case GONE -> 410;
      case TOO_LARGE -> 413;
      case UNAVAILABLE -> 503;
      case FULL -> 507;
      case INTERNAL -> 500;
    };
  }

  /** Headers on every answer; the designer's pages replace the policy and the caching with their own. */
  private static void secure(HttpServletResponse resp) {
    resp.setHeader("X-Content-Type-Options", "nosniff");
    resp.setHeader("Referrer-Policy", "no-referrer"); // signed links must not leak through Referer
    resp.setHeader("X-Frame-Options", "DENY");
    resp.setHeader("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'; sandbox");
    resp.setHeader("Cache-Control", "no-store");
  }

  private void cors(HttpServletRequest req, HttpServletResponse resp) {
    String origin = req.getHeader("Origin");
    if (origin == null || corsOrigins.isEmpty()) return;
    if (corsOrigins.contains("*") || corsOrigins.contains(origin)) {
      resp.setHeader("Access-Control-Allow-Origin", origin);
      resp.setHeader("Vary", "Origin");
      resp.setHeader("Access-Control-Allow-Headers", "Authorization, Content-Type, Last-Event-ID, If-Match");
      resp.setHeader("Access-Control-Allow-Methods", "GET, POST, PUT, DELETE, OPTIONS");
    }
  }

  private static void problem(HttpServletRequest req, HttpServletResponse resp, ApiException e, String instance) throws IOException {
    send(req, resp, e.status, Problems.document(e, instance));
  }

  /** Bytes of a refused request's unread body read away so that its connection can carry the client's next request. */
  private static final int DRAIN = 64 * 1024;

  private static void send(HttpServletRequest req, HttpServletResponse resp, int status, ObjectNode problem) throws IOException {
    if (resp.isCommitted()) return;
    // A request refused before its body was read (401, 403, 404, ...) leaves the body on the connection: read a small one
    // away, else say the connection closes — a client reusing it would find it closed under its next request
    try {
      var in = req.getInputStream();
      byte[] skip = new byte[8192];
      int drained = 0;
      int n;
      while (drained < DRAIN && (n = in.read(skip)) > 0) drained += n;
      if (drained >= DRAIN && in.read() >= 0) resp.setHeader("Connection", "close");
    } catch (IllegalStateException | IOException readAlready) {
      // (the handler read it, or its client went away)
    }
    resp.setStatus(status);
    resp.setContentType("application/problem+json");
    resp.setCharacterEncoding("UTF-8");
    byte[] body = Json.write(problem).getBytes(StandardCharsets.UTF_8);
    resp.setContentLength(body.length);
    resp.getOutputStream().write(body);
  }

  @Override
  public void destroy() {
    timer.shutdownNow();
    flushers.shutdownNow();
    super.destroy();
  }

  public static final class Builder {
    private final PipelineService service;
    private final PipelineExecutor executor;
    private @Nullable ArtifactManager artifacts;
    private @Nullable TemplateLibrary templates;
    private @Nullable StageRegistry registry;
    private @Nullable PipelineAnalytics analytics;
    private Authenticator authenticator = request -> Optional.empty();
    private Authorizer authorizer = Authorizer.allowAll();
    private final List<String> corsOrigins = new ArrayList<>();
    private long maxBodyBytes = 1 << 20;
    private Duration heartbeat = Duration.ofSeconds(15);
    private boolean kotlinScripts;
    private AuditLog audit = AuditLog.inMemory(10_000); // (a host that keeps no log elsewhere: the newest ten thousand)
    private java.time.Clock clock = java.time.Clock.systemUTC();

    private Builder(PipelineService service, PipelineExecutor executor) {
      this.service = Objects.requireNonNull(service, "service");
      this.executor = Objects.requireNonNull(executor, "executor");
    }

    public Builder artifacts(ArtifactManager artifacts) {
      this.artifacts = artifacts;
      return this;
    }

    public Builder templates(TemplateLibrary templates) {
      this.templates = templates;
      return this;
    }

    /** The stage types {@code GET stage-types} lists (default: the executor's). */
    public Builder registry(StageRegistry registry) {
      this.registry = registry;
      return this;
    }

    public Builder analytics(PipelineAnalytics analytics) {
      this.analytics = analytics;
      return this;
    }

    /**
     * Where the API records what callers change (pipelines, runs, cancels, decisions, settings) and every call it refuses
     * them (default: the newest 10,000 in memory); {@code GET api/v1/audit} reads it.
     */
    public Builder auditLog(AuditLog audit) {
      this.audit = Objects.requireNonNull(audit, "audit");
      return this;
    }

    /** The clock of the audit log's entries (default: the system's, UTC). */
    public Builder clock(java.time.Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Who calls; without one every call is refused with 401. */
    public Builder authenticator(Authenticator authenticator) {
      this.authenticator = Objects.requireNonNull(authenticator, "authenticator");
      return this;
    }

    /** What callers may do (default: everything, once authenticated). */
    public Builder authorizer(Authorizer authorizer) {
      this.authorizer = Objects.requireNonNull(authorizer, "authorizer");
      return this;
    }

    /** Origins allowed to call from browsers of other sites ({@code *} for any); none by default. */
    public Builder corsOrigins(String... origins) {
      corsOrigins.addAll(List.of(origins));
      return this;
    }

    /** The largest request body (default 1 MiB). */
    public Builder maxBodyBytes(long bytes) {
      this.maxBodyBytes = bytes;
      return this;
    }

    /** How often open streams send a keep-alive comment, which also notices clients that left (default 15 s). */
    public Builder heartbeat(Duration every) {
      this.heartbeat = every;
      return this;
    }

    /**
     * Whether {@code POST pipelines/import?format=kotlin} may compile and run a {@code .pipeline.kts} script inside this
     * process (default: no). A script is a program with the host's rights; allow it only where everyone with EDIT rights
     * may run code here (docs/SECURITY.md).
     */
    /**
     * Serves the triggers' routes: webhook receivers at {@code api/v1/hooks/{forge}/{repository}} (authenticated by the
     * forge's signature, not a bearer token), the repositories, the deliveries, and each pipeline's triggers with their
     * next fire times.
     */
    public Builder triggers(org.pipelinekit.triggers.Triggers triggers) {
      this.triggers = Objects.requireNonNull(triggers, "triggers");
      return this;
    }

    private org.pipelinekit.triggers.Triggers triggers;
    private String project = "default";
    private org.pipelinekit.notify.@Nullable Notifier notifier;

    /** The notifier that carries out the pipelines' notify rules: {@code GET executions/{id}/notifications} shows its deliveries. */
    public Builder notifier(org.pipelinekit.notify.Notifier notifier) {
      this.notifier = Objects.requireNonNull(notifier, "notifier");
      return this;
    }

    private java.util.function.Function<Principal, List<ProjectLink>> projects = p -> List.of();

    /**
     * The project this servlet serves, and the projects a caller may switch to ({@code GET api/v1/projects}: those it may
     * read, this one included when it may). One servlet serves one project; its stores are that project's alone.
     */
    public Builder project(String name, java.util.function.Function<Principal, List<ProjectLink>> visible) {
      this.project = Objects.requireNonNull(name, "name");
      this.projects = Objects.requireNonNull(visible, "visible");
      return this;
    }

    public Builder kotlinScripts(boolean allowed) {
      this.kotlinScripts = allowed;
      return this;
    }

    public PipelineKitServlet build() {
      return new PipelineKitServlet(this);
    }
  }
}
