package org.pipelinekit.web.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.pipelinekit.artifacts.ArtifactManager;
import org.pipelinekit.artifacts.ArtifactRecord;
import org.pipelinekit.core.engine.EventListener;
import org.pipelinekit.core.engine.Execution;
import org.pipelinekit.core.run.ExecutionEvent;
import org.pipelinekit.core.engine.ExecutionEvents;
import org.pipelinekit.core.engine.ExecutionSnapshot;
import org.pipelinekit.core.run.ExecutionTrigger;
import org.pipelinekit.core.run.LogLine;
import org.pipelinekit.core.engine.PipelineExecutor;
import org.pipelinekit.core.engine.Subscription;
import org.pipelinekit.core.format.PipelineFormat;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.core.service.CreatedPipeline;
import org.pipelinekit.core.service.PipelineService;
import org.pipelinekit.core.spi.InputSpec;
import org.pipelinekit.core.spi.OutputSpec;
import org.pipelinekit.core.spi.PipelineDraft;
import org.pipelinekit.core.spi.StageType;
import org.pipelinekit.core.spi.ValueSchema;
import org.pipelinekit.core.stage.StageRegistry;
import org.pipelinekit.dsl.code.PipelineCode;
import org.pipelinekit.dsl.script.PipelineScriptHost;
import org.pipelinekit.templates.Customization;
import org.pipelinekit.templates.Sharing;
import org.pipelinekit.templates.Template;
import org.pipelinekit.templates.TemplateLibrary;
import org.pipelinekit.templates.TemplateParameter;
import org.pipelinekit.core.access.Action;
import org.pipelinekit.web.analytics.AnalyticsReport;
import org.pipelinekit.web.analytics.PipelineAnalytics;

/** The endpoints of {@code PipelineKitServlet}: the route table and what each route does. */
public final class Api {
  private final PipelineService service;
  private final PipelineExecutor executor;
  private final Optional<ArtifactManager> artifacts;
  private final Optional<TemplateLibrary> templates;
  private final StageRegistry registry;
  private final PipelineAnalytics analytics;
  private final ScheduledExecutorService timer;
  private final java.util.concurrent.Executor flushers;
  private final long heartbeatMillis;
  private final AtomicInteger streams = new AtomicInteger();
  private volatile PipelineScriptHost scripts;
  private final Optional<org.pipelinekit.triggers.Triggers> triggers;
  private final org.pipelinekit.core.spi.AuditLog audit;
  private final String project;
  private final Optional<org.pipelinekit.notify.Notifier> notifier;
  private final org.pipelinekit.core.access.PipelineAccess access;
  private final java.util.function.Function<org.pipelinekit.core.engine.Principal, List<org.pipelinekit.web.ProjectLink>> projects;
  /** Everyone who can sign in (names and groups), when the authenticator knows them. */
  private final java.util.function.Supplier<Optional<Set<String>>> knownNames;

  public Api(PipelineService service, PipelineExecutor executor, Optional<ArtifactManager> artifacts, Optional<TemplateLibrary> templates,
      StageRegistry registry, PipelineAnalytics analytics, ScheduledExecutorService timer, java.util.concurrent.Executor flushers,
      long heartbeatMillis, boolean kotlinScripts,
      Optional<org.pipelinekit.triggers.Triggers> triggers, java.util.function.Supplier<Optional<Set<String>>> knownNames,
      org.pipelinekit.core.spi.AuditLog audit, org.pipelinekit.core.access.PipelineAccess access,
      Optional<org.pipelinekit.notify.Notifier> notifier, String project,
      java.util.function.Function<org.pipelinekit.core.engine.Principal, List<org.pipelinekit.web.ProjectLink>> projects) {
    this.project = project;
    this.projects = projects;
    this.access = access;
    this.notifier = notifier;
    this.audit = audit;
    this.knownNames = knownNames;
    this.kotlinScripts = kotlinScripts;
    this.triggers = triggers;
    this.service = service;
    this.executor = executor;
    this.artifacts = artifacts;
    this.templates = templates;
    this.registry = registry;
    this.analytics = analytics;
    this.timer = timer;
    this.flushers = flushers;
    this.heartbeatMillis = heartbeatMillis;
  }

  public int openStreams() {
    return streams.get();
  }

  public List<Route> routes() {
    return List.of(
        new Route("GET", "/openapi.json", null, this::openapi),
        new Route("GET", "/pipelines", Action.READ, this::listPipelines),
        new Route("POST", "/pipelines", Action.EDIT, this::createPipeline),
        new Route("POST", "/pipelines/validate", Action.READ, this::validate),
        new Route("POST", "/pipelines/convert", Action.READ, this::convert),
        new Route("POST", "/pipelines/import", Action.EDIT, this::importPipeline),
        new Route("POST", "/pipelines/from-template", Action.EDIT, this::fromTemplate),
        new Route("GET", "/pipelines/templates", Action.READ, this::listTemplates),
        new Route("GET", "/pipelines/{id}", Action.READ, this::getPipeline),
        new Route("PUT", "/pipelines/{id}", Action.EDIT, this::updatePipeline),
        new Route("DELETE", "/pipelines/{id}", Action.EDIT, this::deletePipeline),
        new Route("GET", "/pipelines/{id}/draft", Action.READ, this::getDraft),
        new Route("PUT", "/pipelines/{id}/draft", Action.EDIT, this::saveDraft),
        new Route("DELETE", "/pipelines/{id}/draft", Action.EDIT, this::deleteDraft),
        new Route("POST", "/pipelines/{id}/execute", Action.RUN, this::execute),
        new Route("POST", "/pipelines/{id}/dry-run", Action.READ, this::dryRun),
        new Route("GET", "/pipelines/{id}/executions", Action.READ, this::listExecutions),
        new Route("GET", "/pipelines/{id}/export", Action.READ, this::export),
        new Route("GET", "/pipelines/{id}/analytics", Action.READ, this::analytics),
        new Route("GET", "/stage-types", Action.READ, this::stageTypes),
        new Route("GET", "/analytics/settings", Action.READ, this::getAnalyticsSettings),
        new Route("GET", "/analytics/costs", Action.READ, this::analyticsCosts),
        new Route("PUT", "/analytics/settings", Action.EDIT, this::putAnalyticsSettings),
        new Route("GET", "/executions", Action.READ, this::listAllExecutions),
        new Route("GET", "/executions/{id}", Action.READ, this::getExecution),
        new Route("GET", "/executions/{id}/logs", Action.READ, this::logs),
        new Route("GET", "/executions/{id}/logs/text", Action.READ, this::logsText),
        new Route("GET", "/executions/{id}/events", Action.READ, this::events),
        new Route("GET", "/executions/{id}/artifacts", Action.READ, this::listArtifacts),
        new Route("GET", "/executions/{id}/notifications", Action.READ, this::listNotifications),
        new Route("POST", "/executions/{id}/cancel", Action.RUN, this::cancel),
        new Route("POST", "/executions/{id}/rerun", Action.RUN, this::rerun),
        new Route("POST", "/executions/{id}/stages/{stage}/approve", Action.APPROVE, c -> decide(c, true)),
        new Route("POST", "/executions/{id}/stages/{stage}/reject", Action.APPROVE, c -> decide(c, false)),
        new Route("GET", "/artifacts/{id}", Action.READ, this::downloadArtifact),
        new Route("POST", "/hooks/{forge}/{repository}", null, this::webhook),
        new Route("GET", "/repositories", Action.READ, this::listRepositories),
        new Route("POST", "/repositories", Action.EDIT, this::registerRepository),
        new Route("GET", "/deliveries", Action.READ, this::listDeliveries),
        new Route("GET", "/environments", Action.READ, this::listEnvironments),
        new Route("GET", "/environments/{name}", Action.READ, this::getEnvironment),
        new Route("PUT", "/environments/{name}", Action.EDIT, this::putEnvironment),
        new Route("DELETE", "/environments/{name}", Action.EDIT, this::deleteEnvironment),
        new Route("GET", "/projects", Action.READ, this::listProjects),
        new Route("GET", "/audit", Action.AUDIT, this::auditEntries),
        new Route("GET", "/audit/export", Action.AUDIT, this::auditExport),
        new Route("GET", "/pipelines/{id}/triggers", Action.READ, this::pipelineTriggers));
  }

  /** The caller's changes, each checked against the host's policy again (the servlet checked the route's action). */
  private org.pipelinekit.core.access.PipelineAccess.Acting acting(Call c) {
    if (c.principal == null) throw new IllegalStateException("a change without a caller: the route has no action");
    return access.as(c.principal);
  }

  /** The pipeline a route acts on, for authorization. */
  public Optional<String> pipelineOf(String pattern, Map<String, String> vars) {
    String id = vars.get("id");
    if (id == null) return Optional.empty();
    if (pattern.startsWith("/pipelines/")) return Optional.of(id);
    if (pattern.startsWith("/executions/")) return executor.execution(id).map(e -> e.header().pipelineId());
    if (pattern.startsWith("/artifacts/")) return artifacts.flatMap(a -> a.store().record(id)).map(ArtifactRecord::pipelineId);
    return Optional.empty();
  }

  private static final String PAGES = "/org/pipelinekit/web/designer/";
  private static final Map<String, String> PAGE_TYPES = Map.of(
      "html", "text/html; charset=utf-8", "js", "text/javascript; charset=utf-8", "css", "text/css; charset=utf-8",
      "svg", "image/svg+xml", "png", "image/png", "ico", "image/x-icon", "json", "application/json", "woff2", "font/woff2");

  /** The pages found so far, read from the jar once each (misses are not kept: clients choose the names). */
  private final Map<String, byte[]> pages = new java.util.concurrent.ConcurrentHashMap<>();

  private static byte[] pageBytes(String file) throws IOException {
    try (InputStream in = Api.class.getResourceAsStream(PAGES + file)) {
      return in == null ? null : in.readAllBytes();
    }
  }

  /**
   * The designer's pages beside the API, from the jar: {@code /} is the app (its {@code <base>} set to where the servlet is
   * mounted, so it works under any prefix), {@code /assets/...} its hashed files; false when there is none at the path.
   */
  /**
   * What the designer's pages may load: only their own scripts, styles (React Flow positions nodes with
   * style attributes, hence 'unsafe-inline' for styles only), workers and API; never framed.
   */
  private static final String PAGE_POLICY = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
      + "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; object-src 'none'; "
      + "base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

  public boolean servePage(String path, HttpServletRequest req, HttpServletResponse resp) throws IOException {
    if (!req.getMethod().equals("GET") && !req.getMethod().equals("HEAD")) return false;
    String file = path.equals("/") || path.equals("/index.html") ? "index.html" : path.substring(1);
    if (file.contains("..") || file.contains("//") || file.contains("\\")) return false;
    int dot = file.lastIndexOf('.');
    String type = dot < 0 ? null : PAGE_TYPES.get(file.substring(dot + 1));
    if (type == null) return false;
    byte[] body = pages.get(file);
    if (body == null) {
      body = pageBytes(file);
      if (body == null) return false;
      pages.put(file, body);
    }
    if (file.equals("index.html")) {
      String base = req.getContextPath() + req.getServletPath() + "/";
      body = new String(body, java.nio.charset.StandardCharsets.UTF_8)
          .replace("<head>", "<head><base href=\"" + base.replace("\"", "%22") + "\">")
          .getBytes(java.nio.charset.StandardCharsets.UTF_8);
      resp.setHeader("Cache-Control", "no-cache");
    } else {
      resp.setHeader("Cache-Control", file.startsWith("assets/") ? "public, max-age=31536000, immutable" : "no-cache");
    }
    resp.setStatus(200);
    resp.setContentType(type);
    resp.setHeader("Content-Security-Policy", PAGE_POLICY);
    resp.setContentLength(body.length);
    if (req.getMethod().equals("GET")) resp.getOutputStream().write(body);
    return true;
  }

  // ---- pipelines ----

  // ---- triggers ----

  private org.pipelinekit.triggers.Triggers triggers() {
    return triggers.orElseThrow(() -> Problems.notFound("this server starts no runs by itself: it was built without triggers"));
  }

  /** A forge's webhook delivery: its signature is the proof, not a bearer token. */
  private void webhook(Call c) throws IOException {
    org.pipelinekit.triggers.Triggers.WebhookResult r = triggers().webhook(c.var("forge"), c.var("repository"),
        name -> Optional.ofNullable(c.req.getHeader(name)), c.body());
    ObjectNode n = Json.MAPPER.createObjectNode().put("message", r.message());
    r.delivery().ifPresent(d -> n.set("delivery", delivery(d)));
    c.send(r.status(), n);
  }

  private static ObjectNode delivery(org.pipelinekit.triggers.Delivery d) {
    ObjectNode n = Json.MAPPER.createObjectNode().put("id", d.id()).put("at", d.at().toString()).put("source", d.source())
        .put("event", d.event()).put("summary", d.summary());
    d.started().forEach(n.putArray("started")::add);
    if (!n.has("started")) n.putArray("started");
    d.skipped().forEach(n.putArray("skipped")::add);
    if (!n.has("skipped")) n.putArray("skipped");
    return n;
  }

  private void listRepositories(Call c) throws IOException {
    ArrayNode list = Json.MAPPER.createArrayNode();
    for (org.pipelinekit.triggers.GitRepository r : triggers().repositories()) {
      list.addObject().put("id", r.id()).put("url", r.url()).put("defaultBranch", r.defaultBranch())
          .put("pollSeconds", r.pollInterval().toSeconds()).put("webhooks", r.webhookSecret().isPresent())
          .put("statuses", r.statuses().map(x -> x.forge()).orElse(null));
    }
    c.send(200, list);
  }

  private void registerRepository(Call c) throws IOException {
    ObjectNode body = c.json(Set.of("id", "url", "defaultBranch", "pollSeconds", "webhookSecret", "statuses", "credentialsSecret"));
    String id = text(body, "id").orElseThrow(() -> Problems.badRequest("missing-field", "give the repository an id, such as \"shop\""));
    String url = text(body, "url").orElseThrow(() -> Problems.badRequest("missing-field", "give the repository's url (or a path on this host)"));
    long poll = body.path("pollSeconds").asLong(60);
    if (poll < 0) throw Problems.badRequest("bad-field", "pollSeconds must be 0 (webhooks only) or more, got " + poll);
    org.pipelinekit.triggers.GitRepository r = new org.pipelinekit.triggers.GitRepository(id, url, text(body, "defaultBranch").orElse("main"),
        text(body, "webhookSecret"), java.time.Duration.ofSeconds(poll));
    Optional<String> credentials = text(body, "credentialsSecret");
    if (credentials.isPresent()) r = r.withCredentials(credentials.get());
    JsonNode st = body.path("statuses");
    if (st.isObject()) {
      try {
        r = r.withStatuses(new org.pipelinekit.triggers.CommitStatuses(st.path("forge").asText(), java.net.URI.create(st.path("api").asText()),
            st.path("project").asText(), st.path("tokenSecret").asText()));
      } catch (IllegalArgumentException | NullPointerException e) {
        throw Problems.badRequest("bad-field", "statuses: " + e.getMessage() + " (give forge github or gitlab, api, project and tokenSecret)");
      }
    }
    try {
      triggers().register(r, true); // for every host, and after a restart
    } catch (IllegalStateException e) {
      throw new Problems.ApiException(422, "repository-not-kept", "Repository not kept", e.getMessage());
    } catch (IOException e) {
      throw new Problems.ApiException(422, "repository-unavailable", "Repository unavailable", "cannot fetch " + url + ": " + e.getMessage());
    }
    c.send(201, Json.MAPPER.createObjectNode().put("id", r.id()).put("url", r.url()).put("defaultBranch", r.defaultBranch())
        .put("pollSeconds", poll).put("webhooks", r.webhookSecret().isPresent()).put("statuses", r.statuses().map(x -> x.forge()).orElse(null)));
  }

  private void listDeliveries(Call c) throws IOException {
    ArrayNode list = Json.MAPPER.createArrayNode();
    triggers().deliveries().stream().limit(200).forEach(d -> list.add(delivery(d)));
    c.send(200, list);
  }

  /** A pipeline's triggers as stored, the next fire times of its schedules, and the recent deliveries that concern it. */
  private void pipelineTriggers(Call c) throws IOException {
    Pipeline p = service.get(c.var("id")).orElseThrow(() -> Problems.notFound("no pipeline " + c.var("id")));
    ObjectNode n = Json.MAPPER.createObjectNode();
    n.set("triggers", Json.MAPPER.readTree(PipelineFormat.JSON.write(p)).path("triggers"));
    ArrayNode next = n.putArray("nextFires");
    if (triggers.isPresent()) triggers.get().nextFires(p.id(), 10).forEach(t -> next.add(t.toString()));
    ArrayNode recent = n.putArray("deliveries");
    if (triggers.isPresent()) {
      triggers.get().deliveries().stream().filter(d -> d.summary().startsWith(p.id() + " ") || d.skipped().stream().anyMatch(x -> x.startsWith(p.id() + ":"))
          || d.started().stream().anyMatch(id -> executor.execution(id).map(e -> e.header().pipelineId().equals(p.id())).orElse(false)))
          .limit(50).forEach(d -> recent.add(delivery(d)));
    }
    c.send(200, n);
  }

  private void openapi(Call c) throws IOException {
    try (InputStream in = Api.class.getResourceAsStream("/org/pipelinekit/web/openapi.json")) {
      c.send(200, "application/json", new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
    }
  }

  private void listPipelines(Call c) throws IOException {
    ArrayNode list = Json.MAPPER.createArrayNode();
    Map<String, PipelineDraft> drafts = new java.util.TreeMap<>();
    service.drafts().forEach(d -> drafts.put(d.pipelineId(), d));
    for (Pipeline p : service.list()) {
      ObjectNode o = list.addObject();
      o.put("id", p.id());
      PipelineDraft draft = drafts.remove(p.id());
      if (draft != null) o.putObject("draft").put("saved", draft.saved().toString());
      p.name().ifPresent(n -> o.put("name", n));
      p.description().ifPresent(d -> o.put("description", d));
      o.put("version", p.version());
      o.put("stages", p.stages().size());
      p.template().ifPresent(t -> o.putObject("template").put("id", t.id()).put("version", t.version()));
      executor.executions(p.id(), 1).stream().findFirst().ifPresent(last -> o.set("lastExecution", Json.execution(last, false)));
    }
    for (PipelineDraft d : drafts.values()) { // drafts of pipelines never saved: listed so the work can be found again
      ObjectNode o = list.addObject().put("id", d.pipelineId()).put("version", 0);
      JsonNode doc = draftDocument(d);
      if (doc.path("name").isTextual()) o.put("name", doc.get("name").asText());
      o.put("stages", doc.path("stages").size());
      o.putObject("draft").put("saved", d.saved().toString());
    }
    c.send(200, list);
  }

  private static JsonNode draftDocument(PipelineDraft d) {
    try {
      JsonNode n = Json.MAPPER.readTree(d.document());
      return n == null ? Json.MAPPER.createObjectNode() : n;
    } catch (IOException e) {
      return Json.MAPPER.createObjectNode(); // stored as sent; only JSON objects are accepted
    }
  }

  private void getDraft(Call c) throws IOException {
    PipelineDraft d = service.draft(c.var("id")).orElseThrow(() -> Problems.notFound("pipeline '" + c.var("id") + "' has no draft"));
    ObjectNode o = Json.MAPPER.createObjectNode().put("pipelineId", d.pipelineId()).put("saved", d.saved().toString());
    o.set("document", draftDocument(d));
    o.set("validation", draftValidation(d.document()));
    c.send(200, o);
  }

  /**
   * Keeps the body as the draft of the pipeline, whatever its problems (a JSON object whose id, if it has one, is the
   * pipeline's); answers with the problems that keep it from being saved as a revision.
   */
  private void saveDraft(Call c) throws IOException {
    String id = c.var("id");
    if (!org.pipelinekit.core.model.Ids.isValid(id)) {
      throw Problems.badRequest("bad-id", "'" + id + "' is not a valid pipeline id: use lower-case letters, digits, _ and -, starting "
          + "with a letter or digit (for example '" + org.pipelinekit.core.model.Ids.slug(id) + "')");
    }
    c.mediaType(Call.JSON_TYPES);
    String text = c.text();
    JsonNode doc;
    try {
      doc = Json.MAPPER.readTree(text);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw Problems.badRequest("malformed-draft", "a draft is the pipeline document as JSON (an object), even with problems; this body "
          + "is not JSON: " + e.getOriginalMessage() + " (line " + e.getLocation().getLineNr() + ")");
    }
    if (doc == null || !doc.isObject()) throw Problems.badRequest("malformed-draft", "a draft is a JSON object (the pipeline document)");
    if (doc.hasNonNull("id") && !doc.get("id").asText().equals(id)) {
      throw Problems.badRequest("id-mismatch", "the draft's id '" + doc.get("id").asText() + "' is not the pipeline's id '" + id + "'");
    }
    PipelineDraft d = acting(c).saveDraft(id, text);
    ObjectNode o = Json.MAPPER.createObjectNode().put("pipelineId", d.pipelineId()).put("saved", d.saved().toString());
    service.get(id).ifPresent(p -> o.put("version", p.version()));
    o.set("validation", draftValidation(text));
    c.send(200, o);
  }

  /** What the validator finds in the part of a refused document that could be read (see {@code PipelineValidator.validateRest}). */
  public List<org.pipelinekit.core.validate.Problem> laterProblems(org.pipelinekit.core.format.PipelineFormatException e) {
    return service.validator().validateRest(e);
  }

  /** What keeps a draft from being a revision: its format problems and the validator's. */
  private ObjectNode draftValidation(String text) {
    try {
      return Json.validation(service.validate(PipelineFormat.JSON.read(text)));
    } catch (org.pipelinekit.core.format.PipelineFormatException e) {
      List<org.pipelinekit.core.validate.Problem> rest = laterProblems(e);
      long warnings = rest.stream().filter(p -> p.severity() == org.pipelinekit.core.validate.Severity.WARNING).count();
      ObjectNode n = Json.MAPPER.createObjectNode().put("valid", false).put("errors", e.problems().size() + rest.size() - warnings)
          .put("warnings", warnings);
      ArrayNode list = n.putArray("problems");
      e.problems().forEach(p -> list.addObject().put("code", "MALFORMED").put("severity", "error").put("path", p.path())
          .put("message", p.message()));
      rest.forEach(p -> Json.problem(list, p));
      return n;
    }
  }

  private void deleteDraft(Call c) {
    if (!acting(c).deleteDraft(c.var("id"))) throw Problems.notFound("pipeline '" + c.var("id") + "' has no draft");
    c.noContent();
  }

  /** A pipeline document from the body: JSON, or YAML with a YAML content type. */
  private Pipeline pipelineBody(Call c) throws IOException {
    String type = c.mediaType(Call.DOCUMENT_TYPES);
    String text = c.text();
    if (text.isBlank()) throw Problems.badRequest("empty-body", "send the pipeline document as JSON (or YAML with Content-Type: application/yaml)");
    return type.contains("yaml") ? PipelineFormat.YAML.read(text) : PipelineFormat.JSON.read(text);
  }

  private ObjectNode saved(CreatedPipeline created) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.set("pipeline", Json.pipeline(created.pipeline()));
    o.put("version", created.pipeline().version());
    ArrayNode warnings = o.putArray("warnings");
    List<org.pipelinekit.core.validate.Problem> all = new java.util.ArrayList<>(created.warnings());
    all.addAll(unknownApprovers(created.pipeline()));
    all.forEach(w -> warnings.addObject().put("code", w.code().name()).put("path", w.path()).put("message", w.message()));
    return o;
  }

  /** The validation of a pipeline, with a warning for each approver no one who can sign in here is (by name or group). */
  private org.pipelinekit.core.validate.ValidationResult validation(Pipeline p) {
    List<org.pipelinekit.core.validate.Problem> all = new java.util.ArrayList<>(service.validate(p).problems());
    all.addAll(unknownApprovers(p));
    return new org.pipelinekit.core.validate.ValidationResult(all);
  }

  private List<org.pipelinekit.core.validate.Problem> unknownApprovers(Pipeline p) {
    Optional<Set<String>> known = knownNames.get();
    if (known.isEmpty()) return List.of();
    List<org.pipelinekit.core.validate.Problem> out = new java.util.ArrayList<>();
    for (org.pipelinekit.core.model.Stage s : p.stages()) {
      List<String> approvers = s.approval().map(org.pipelinekit.core.model.Approval::approvers).orElse(List.of());
      for (int i = 0; i < approvers.size(); i++) {
        if (known.get().contains(approvers.get(i))) continue;
        out.add(new org.pipelinekit.core.validate.Problem(org.pipelinekit.core.validate.ProblemCode.APPROVER_UNKNOWN,
            org.pipelinekit.core.validate.Severity.WARNING, "stages." + s.id() + ".approval.approvers[" + i + "]",
            "no one who can sign in to this server is '" + approvers.get(i) + "' or in a group of that name, so " + s.id()
                + " would wait for an approval no one can give",
            "name a user or group of this server (" + String.join(", ", known.get()) + "), or add the user (pipelinekit users add)"));
      }
    }
    return out;
  }

  private void createPipeline(Call c) throws IOException {
    CreatedPipeline created = acting(c).create(pipelineBody(c));
    c.resp.setHeader("Location", c.req.getRequestURI() + "/" + created.pipeline().id());
    c.resp.setHeader("ETag", "\"" + created.pipeline().version() + "\"");
    c.send(201, saved(created));
  }

  private Pipeline pipeline(String id) {
    Optional<Pipeline> p = service.get(id);
    if (p.isEmpty() && service.draft(id).isPresent()) {
      throw new Problems.ApiException(409, "draft-only", "Only a draft", "pipeline '" + id + "' is only a draft: it has never been "
          + "saved as a revision, so it cannot run yet; open it in the designer (GET pipelines/" + id + "/draft), fix its problems and save");
    }
    return p.orElseThrow(() -> Problems.notFound("no pipeline '" + id + "'"));
  }

  private void getPipeline(Call c) throws IOException {
    Pipeline p = pipeline(c.var("id"));
    c.resp.setHeader("ETag", "\"" + p.version() + "\"");
    // work in progress kept since: the designer opens it (GET pipelines/{id}/draft) instead of the revision
    service.draft(p.id()).ifPresent(d -> c.resp.setHeader("PipelineKit-Draft", d.saved().toString()));
    c.send(200, Json.pipeline(p));
  }

  private void updatePipeline(Call c) throws IOException {
    Pipeline stored = pipeline(c.var("id"));
    Pipeline p = pipelineBody(c);
    if (!p.id().equals(c.var("id"))) {
      throw Problems.badRequest("id-mismatch", "the document's id '" + p.id() + "' is not the pipeline's id '" + c.var("id") + "'");
    }
    // the revision the change was made on: If-Match (the ETag of GET), else the document's version; without either a
    // change could silently overwrite one saved since, so it is refused
    long expected;
    String ifMatch = c.req.getHeader("If-Match");
    if (ifMatch != null && ifMatch.strip().equals("*")) {
      expected = stored.version();
    } else if (ifMatch != null) {
      try {
        expected = Long.parseLong(ifMatch.replace("W/", "").replace("\"", "").strip());
      } catch (NumberFormatException e) {
        throw Problems.badRequest("bad-if-match", "If-Match must be the pipeline's revision, such as \"3\"");
      }
    } else if (p.version() > 0) {
      expected = p.version();
    } else {
      throw new Problems.ApiException(428, "revision-required", "Precondition required", "say which revision the change was made on: "
          + "send If-Match: \"" + stored.version() + "\" (the ETag of GET pipelines/" + stored.id() + ") or put version: " + stored.version()
          + " in the document; the pipeline is at revision " + stored.version() + " (If-Match: * overwrites whatever is stored)");
    }
    if (expected != stored.version()) {
      throw new Problems.ApiException(412, "stale-revision", "Precondition failed", "the pipeline is at revision " + stored.version()
          + ", not " + expected + "; load it again and redo the change");
    }
    CreatedPipeline created = acting(c).update(p, expected);
    c.resp.setHeader("ETag", "\"" + created.pipeline().version() + "\"");
    c.send(200, saved(created));
  }

  private void deletePipeline(Call c) {
    if (!acting(c).delete(c.var("id"))) throw Problems.notFound("no pipeline '" + c.var("id") + "'");
    c.noContent();
  }

  private void validate(Call c) throws IOException {
    c.send(200, Json.validation(validation(pipelineBody(c))));
  }

  private final boolean kotlinScripts;

  private PipelineScriptHost scripts() {
    if (!kotlinScripts) {
      throw new Problems.ApiException(403, "kotlin-scripts-disabled", "Kotlin scripts are off", "a .pipeline.kts script is a program: "
          + "importing it would run it inside this server, so this server does not (its operator can allow it); turn it into YAML "
          + "where you run it (pipelinekit export -f yaml your.pipeline.kts) and import that");
    }
    try {
      if (scripts == null) scripts = new PipelineScriptHost();
    } catch (NoClassDefFoundError e) { // the host left the Kotlin compiler and standard library off its class path
      throw new Problems.ApiException(501, "kotlin-unavailable", "Kotlin is not installed here", "this server has no Kotlin compiler"
          + " on its class path (the CLI keeps it in pipelinekit-kotlin.jar beside pipelinekit.jar); import the pipeline as YAML"
          + " (pipelinekit export -f yaml your.pipeline.kts)");
    }
    return scripts;
  }

  private void importPipeline(Call c) throws IOException {
    String format = c.param("format").orElse("yaml").toLowerCase(Locale.ROOT);
    c.mediaType(Call.CODE_TYPES);
    String text = c.text();
    org.pipelinekit.imports.ImportReport report = null;
    List<Pipeline> found;
    switch (format) {
      case "yaml", "yml", "json" -> {
        PipelineFormat f = format.equals("json") ? PipelineFormat.JSON : PipelineFormat.YAML;
        try {
          found = List.of(f.read(text));
        } catch (org.pipelinekit.core.format.PipelineFormatException e) {
          throw foreign(text).map(kind -> foreignFile(kind, e)).orElseThrow(() -> e);
        }
      }
      case "java" -> found = PipelineCode.readJava(text, "import.java");
      case "kotlin", "kts" -> found = scripts().evaluate(text, "import.pipeline.kts");
      case "gha", "gitlab", "bitbucket", "jenkins" -> {
        org.pipelinekit.imports.ImportResult r = org.pipelinekit.imports.CiImport.read(text, "pasted",
            org.pipelinekit.imports.CiImport.Kind.of(format), Optional.empty());
        report = r.report();
        found = List.of(r.pipeline());
      }
      default -> throw Problems.badRequest("unknown-format", "format '" + format + "' cannot be imported; use yaml, json, java, kotlin, "
          + "gha, gitlab, bitbucket or jenkins");
    }
    Optional<String> wanted = c.param("pipeline");
    Pipeline p;
    if (wanted.isPresent()) {
      p = found.stream().filter(x -> x.id().equals(wanted.get())).findFirst()
          .orElseThrow(() -> Problems.badRequest("no-such-pipeline", "the code defines " + found.stream().map(Pipeline::id).toList()
              + ", not '" + wanted.get() + "'"));
    } else if (found.size() == 1) {
      p = found.get(0);
    } else {
      throw Problems.badRequest("several-pipelines", "the code defines " + found.stream().map(Pipeline::id).toList()
          + "; choose one with ?pipeline=<id>");
    }
    if (c.param("save").map(Boolean::parseBoolean).orElse(true)) {
      CreatedPipeline created = acting(c).create(p);
      c.resp.setHeader("Location", c.req.getContextPath() + c.req.getServletPath() + "/api/v1/pipelines/" + p.id());
      c.send(201, saved(created));
    } else {
      ObjectNode o = Json.MAPPER.createObjectNode();
      o.set("pipeline", Json.pipeline(p));
      ObjectNode validation = Json.validation(validation(p));
      if (format.equals("yaml") || format.equals("yml") || format.equals("json")) { // each problem at its line of the text
        PipelineFormat f = format.equals("json") ? PipelineFormat.JSON : PipelineFormat.YAML;
        for (JsonNode problem : validation.path("problems")) {
          f.lineOf(text, problem.path("path").asText()).ifPresent(line -> ((ObjectNode) problem).put("line", line));
        }
      }
      o.set("validation", validation);
      if (report != null) {
        ObjectNode r = o.putObject("report").put("kind", report.kind());
        report.counts().forEach((k, n) -> r.put(k.name().toLowerCase(Locale.ROOT), n));
        ArrayNode notes = r.putArray("entries");
        report.entries().stream().filter(e -> e.outcome() != org.pipelinekit.imports.ImportReport.Outcome.MAPPED)
            .forEach(e -> notes.addObject().put("path", e.path()).put("line", e.line()).put("outcome", e.outcome().name().toLowerCase(Locale.ROOT))
                .put("note", e.note()));
      }
      c.send(200, o);
    }
  }

  /** The kind of CI file the text is, when it is not a PipelineKit pipeline but that kind's importer reads it. */
  private static Optional<org.pipelinekit.imports.CiImport.Kind> foreign(String text) {
    if (text.contains("pipelinekit:") || text.contains("\"pipelinekit\"")) return Optional.empty();
    return org.pipelinekit.imports.CiImport.detect(java.nio.file.Path.of("pasted"), text).filter(kind -> {
      try {
        org.pipelinekit.imports.CiImport.read(text, "pasted", kind, Optional.empty());
        return true;
      } catch (RuntimeException notThatEither) {
        return false;
      }
    });
  }

  private static Problems.ApiException foreignFile(org.pipelinekit.imports.CiImport.Kind kind, org.pipelinekit.core.format.PipelineFormatException e) {
    return new Problems.ApiException(400, "foreign-ci-file", "Not a PipelineKit pipeline", "this is " + kind.title()
        + ", not a PipelineKit pipeline: import it with ?format=" + kind.id() + " (the designer offers to)",
        List.of(), List.of("format: " + kind.id()));
  }

  private TemplateLibrary templates() {
    return templates.orElseThrow(() -> Problems.notFound("this server has no template library"));
  }

  private void listTemplates(Call c) throws IOException {
    Sharing.Viewer viewer = new Sharing.Viewer(c.principal.name(), c.principal.groups());
    ArrayNode list = Json.MAPPER.createArrayNode();
    for (Template t : templates().getTemplates(c.param("category"), viewer)) {
      ObjectNode o = list.addObject();
      o.put("id", t.id()).put("name", t.name()).put("category", t.category()).put("description", t.description()).put("version", t.version());
      o.put("scope", t.sharing().scope().name().toLowerCase(Locale.ROOT));
      ArrayNode params = o.putArray("parameters");
      for (TemplateParameter p : t.parameters()) {
        ObjectNode po = params.addObject().put("name", p.name()).put("type", p.type().id()).put("description", p.description())
            .put("required", p.required());
        p.defaultValue().ifPresent(d -> po.set("default", Json.MAPPER.valueToTree(d)));
        if (!p.options().isEmpty()) po.set("options", Json.MAPPER.valueToTree(p.options()));
      }
      o.set("components", Json.MAPPER.valueToTree(t.includes().stream().map(u -> u.component()).toList()));
    }
    c.send(200, list);
  }

  private void fromTemplate(Call c) throws IOException {
    ObjectNode body = c.json(Set.of("template", "version", "id", "values", "removeStages", "setInputs", "save"));
    String id = text(body, "template").orElseThrow(() -> Problems.badRequest("missing-field", "field 'template' is required (a template id)"));
    Customization.Builder b = Customization.builder();
    text(body, "id").ifPresent(b::id);
    if (body.has("values")) {
      if (!body.get("values").isObject()) throw Problems.badRequest("bad-field", "values must be an object of parameter values");
      b.set(Json.map(body.get("values")));
    }
    for (JsonNode s : body.path("removeStages")) b.removeStage(s.asText());
    for (JsonNode s : body.path("setInputs")) {
      if (!s.has("stage") || !s.has("name") || !s.has("value")) {
        throw Problems.badRequest("bad-field", "each of setInputs needs stage, name and value");
      }
      b.setInput(s.get("stage").asText(), s.get("name").asText(), Json.MAPPER.convertValue(s.get("value"), Object.class));
    }
    Pipeline p = text(body, "version").map(v -> templates().createFromTemplate(id, v, b.build()))
        .orElseGet(() -> templates().createFromTemplate(id, b.build()));
    if (body.path("save").asBoolean(true)) {
      CreatedPipeline created = acting(c).create(p);
      c.send(201, saved(created));
    } else {
      c.send(200, Json.pipeline(p));
    }
  }

  private static Optional<String> text(ObjectNode body, String field) {
    JsonNode n = body.get(field);
    if (n == null || n.isNull()) return Optional.empty();
    if (!n.isTextual()) throw Problems.badRequest("bad-field", "field '" + field + "' must be text");
    return Optional.of(n.asText());
  }

  /** {@code kind} by the caller, with the body's {@code branch} and {@code commit}. */
  private static ExecutionTrigger trigger(ExecutionTrigger kind, ObjectNode body, Call c) {
    ExecutionTrigger trigger = kind.actor(c.principal.name());
    Optional<String> branch = text(body, "branch");
    if (branch.isPresent()) trigger = trigger.branch(branch.get());
    Optional<String> commit = text(body, "commit");
    if (commit.isPresent()) trigger = trigger.commit(commit.get());
    return trigger;
  }

  /** The body's {@code parameters}: an object of name: value, or none. */
  private static Map<String, Object> parameters(ObjectNode body) {
    if (body.has("parameters") && !body.get("parameters").isObject()) {
      throw Problems.badRequest("bad-parameters", "parameters must be an object of name: value, such as {\"target\": \"staging\"}");
    }
    return body.has("parameters") ? Json.map(body.get("parameters")) : Map.of();
  }

  private void execute(Call c) throws IOException {
    Pipeline p = pipeline(c.var("id"));
    ObjectNode body = c.json(Set.of("branch", "commit", "parameters"));
    Execution e = acting(c).execute(p, trigger(ExecutionTrigger.api(), body, c), parameters(body));
    c.resp.setHeader("Location", c.req.getContextPath() + c.req.getServletPath() + "/api/v1/executions/" + e.id());
    c.send(202, Json.execution(e.snapshot(), false));
  }

  /**
   * What a run would do (nothing is started): body {@code {event, branch, commit, parameters}}, all optional (event
   * {@code manual}); the answer has {@code summary}, {@code stages} (in the order the engine reaches them, each with
   * {@code runs}, {@code skippedBecause}, its condition, approval, jobs and their rendered steps, caches and artifacts)
   * and {@code text}, as {@code pipelinekit run --dry-run} prints it.
   */
  private void dryRun(Call c) throws IOException {
    Pipeline p = pipeline(c.var("id"));
    ObjectNode body = c.json(Set.of("event", "branch", "commit", "parameters"));
    ExecutionTrigger trigger = trigger(ExecutionTrigger.of(text(body, "event").orElse("manual")), body, c);
    org.pipelinekit.core.simulate.DryRun.Report r = org.pipelinekit.core.simulate.DryRun.of(p, trigger, parameters(body),
        b -> b.registry(executor.registry()));
    ObjectNode out = Json.MAPPER.createObjectNode();
    out.put("pipeline", r.pipelineId()).put("trigger", r.trigger()).put("stageCount", r.stages()).put("running", r.running());
    String text = org.pipelinekit.core.simulate.DryRun.render(r);
    out.put("summary", text.lines().skip(1).findFirst().orElse(""));
    ArrayNode stages = out.putArray("stages");
    for (org.pipelinekit.core.simulate.DryRun.StagePlan s : r.plan()) {
      ObjectNode n = stages.addObject().put("id", s.stageId()).put("runs", s.runs());
      s.skippedBecause().ifPresent(v -> n.put("skippedBecause", v));
      s.condition().ifPresent(v -> n.put("condition", v));
      s.needs().forEach(n.putArray("needs")::add);
      s.approval().ifPresent(v -> n.put("approval", v));
      s.environment().ifPresent(v -> n.put("environment", v));
      s.retries().ifPresent(v -> n.put("retries", v));
      ArrayNode jobs = n.putArray("jobs");
      for (org.pipelinekit.core.simulate.DryRun.JobPlan j : s.jobs()) {
        ObjectNode jn = jobs.addObject().put("id", j.jobId());
        ObjectNode matrix = jn.putObject("matrix");
        j.matrix().forEach(matrix::put);
        ArrayNode steps = jn.putArray("steps");
        for (org.pipelinekit.core.simulate.DryRun.StepPlan st : j.steps()) {
          ObjectNode sn = steps.addObject().put("name", st.name());
          st.command().ifPresent(v -> sn.put("command", v));
          ObjectNode env = sn.putObject("env");
          st.env().forEach(env::put);
          sn.set("inputs", Json.MAPPER.valueToTree(st.inputs()));
        }
      }
      s.caches().forEach(n.putArray("caches")::add);
      s.artifacts().forEach(n.putArray("artifacts")::add);
    }
    out.put("text", text);
    c.send(200, out);
  }

  private void listExecutions(Call c) throws IOException {
    pipeline(c.var("id"));
    int limit = c.param("limit").map(Api::positive).orElse(50);
    ArrayNode list = Json.MAPPER.createArrayNode();
    for (ExecutionSnapshot s : executor.executions(c.var("id"), limit)) list.add(Json.execution(s, false));
    c.send(200, list);
  }

  /**
   * The runs of every pipeline (or of {@code ?pipeline=}), newest first, filtered by {@code ?branch=}, {@code ?status=}
   * and {@code ?trigger=} (kind), a page of {@code ?limit=} (50) from {@code ?offset=}; {@code X-Total-Count} says how
   * many match.
   */
  private void listAllExecutions(Call c) throws IOException {
    int limit = c.param("limit").map(Api::positive).orElse(50);
    int offset = c.param("offset").map(o -> o.equals("0") ? 0 : positive(o)).orElse(0);
    Optional<String> branch = c.param("branch").filter(b -> !b.isBlank());
    Optional<String> status = c.param("status").filter(b -> !b.isBlank()).map(x -> x.toUpperCase(java.util.Locale.ROOT));
    Optional<String> trigger = c.param("trigger").filter(b -> !b.isBlank());
    List<String> pipelines = c.param("pipeline").filter(b -> !b.isBlank()).map(List::of)
        .orElseGet(() -> service.list().stream().map(Pipeline::id).toList());
    List<ExecutionSnapshot> all = new java.util.ArrayList<>();
    for (String id : pipelines) all.addAll(executor.executions(id, 1000));
    List<ExecutionSnapshot> matching = all.stream()
        .filter(s -> branch.isEmpty() || branch.equals(s.header().trigger().branch()))
        .filter(s -> status.isEmpty() || status.get().equals(s.status().name()))
        .filter(s -> trigger.isEmpty() || trigger.get().equals(s.header().trigger().kind()))
        .sorted(java.util.Comparator.comparing((ExecutionSnapshot s) -> s.header().createdAt()).reversed()).toList();
    ArrayNode list = Json.MAPPER.createArrayNode();
    matching.stream().skip(offset).limit(limit).forEach(s -> list.add(Json.execution(s, false)));
    c.resp.setHeader("X-Total-Count", Integer.toString(matching.size()));
    c.send(200, list);
  }

  private static int positive(String s) {
    try {
      int n = Integer.parseInt(s);
      if (n > 0) return Math.min(n, 1000);
    } catch (NumberFormatException e) {
      // below
    }
    throw Problems.badRequest("bad-parameter", "limit must be a whole number from 1 to 1000, got '" + s + "'");
  }

  private void export(Call c) throws IOException {
    sendCode(c, pipeline(c.var("id")), c.param("format").orElse("yaml"));
  }

  /** {@code POST convert?format=}: an unsaved document as code (the designer's code view). */
  private void convert(Call c) throws IOException {
    String format = c.param("format").orElseThrow(() -> Problems.badRequest("missing-parameter",
        "?format= says what to write; use one of " + PipelineCode.FORMATS));
    sendCode(c, pipelineBody(c), format);
  }

  private void sendCode(Call c, Pipeline p, String requested) throws IOException {
    String format = requested.toLowerCase(Locale.ROOT);
    if (!PipelineCode.FORMATS.contains(format)) {
      throw Problems.badRequest("unknown-format", "format '" + format + "' cannot be exported; use one of " + PipelineCode.FORMATS);
    }
    String type = switch (format) {
      case "json" -> "application/json";
      case "yaml" -> "application/yaml";
      case "kotlin" -> "text/x-kotlin";
      case "java" -> "text/x-java";
      default -> "text/plain";
    };
    c.send(200, type, PipelineCode.export(p, format));
  }

  private void analytics(Call c) throws IOException {
    pipeline(c.var("id"));
    Instant to = c.param("to").map(Api::instant).orElse(Instant.now());
    Instant from = c.param("from").map(Api::instant).orElse(to.minus(Duration.ofDays(30)));
    if (!from.isBefore(to)) throw Problems.badRequest("bad-parameter", "from must be before to");
    java.time.ZoneId zone;
    try {
      zone = c.param("zone").map(java.time.ZoneId::of).orElse(java.time.ZoneOffset.UTC);
    } catch (java.time.DateTimeException e) {
      throw Problems.badRequest("bad-parameter", "zone '" + c.param("zone").orElse("") + "' is not a time zone; use an IANA name such as"
          + " Europe/Berlin or America/New_York");
    }
    AnalyticsReport r = analytics.report(c.var("id"), from, to, zone);
    ObjectNode o = Reports.json(r);
    o.put("zone", zone.getId());
    o.set("costModel", Reports.settings(analytics));
    c.send(200, o);
  }

  /** Cost allocation: each pipeline's share of a month's cost ({@code ?month=2026-12}, default this month, UTC), and the total. */
  private void analyticsCosts(Call c) throws IOException {
    java.time.YearMonth month;
    try {
      month = c.param("month").map(java.time.YearMonth::parse).orElse(java.time.YearMonth.now(java.time.ZoneOffset.UTC));
    } catch (java.time.format.DateTimeParseException e) {
      throw Problems.badRequest("bad-parameter", "month is a year and month, like 2026-12");
    }
    java.util.Set<String> ids = new java.util.TreeSet<>();
    service.list().forEach(p -> ids.add(p.id()));
    c.send(200, Reports.costs(analytics.costs(month, ids)));
  }

  private void getAnalyticsSettings(Call c) throws IOException {
    c.send(200, Reports.settings(analytics));
  }

  /** Cost rates and monthly budgets, set in the UI and kept by the server (its analytics settings file). */
  private void putAnalyticsSettings(Call c) throws IOException {
    JsonNode body = c.json(Set.of("freeMinutesPerMonth", "pricePerMinute", "parallelMultiplier", "artifactsPerGbMonth", "cachePerGbMonth",
        "logsPerGbMonth", "budgets", "enforceBudgets", "alertThresholds", "projectBudget"));
    org.pipelinekit.web.analytics.CostModel now = analytics.costs();
    org.pipelinekit.web.analytics.CostModel next;
    try {
      next = new org.pipelinekit.web.analytics.CostModel(
          number(body, "freeMinutesPerMonth", now.freeMinutesPerMonth()), number(body, "pricePerMinute", now.pricePerMinute()),
          number(body, "parallelMultiplier", now.parallelMultiplier()), number(body, "artifactsPerGbMonth", now.artifactsPerGbMonth()),
          number(body, "cachePerGbMonth", now.cachePerGbMonth()), number(body, "logsPerGbMonth", now.logsPerGbMonth()));
    } catch (IllegalArgumentException e) {
      throw Problems.badRequest("bad-field", e.getMessage());
    }
    Map<String, Double> budgets = analytics.budgets();
    if (body.has("budgets")) {
      if (!body.get("budgets").isObject()) throw Problems.badRequest("bad-field", "budgets is an object: pipeline id (or *) → dollars a month");
      budgets = new java.util.TreeMap<>();
      for (var e : (Iterable<Map.Entry<String, JsonNode>>) () -> body.get("budgets").fields()) {
        if (!e.getValue().isNumber() || e.getValue().asDouble() < 0) {
          throw Problems.badRequest("bad-field", "the budget of '" + e.getKey() + "' must be a number of dollars, 0 or more");
        }
        budgets.put(e.getKey(), e.getValue().asDouble());
      }
    }
    boolean enforce = analytics.enforceBudgets();
    if (body.has("enforceBudgets")) {
      if (!body.get("enforceBudgets").isBoolean()) throw Problems.badRequest("bad-field", "enforceBudgets must be true or false");
      enforce = body.get("enforceBudgets").asBoolean();
    }
    List<Integer> thresholds = analytics.alertThresholds();
    if (body.has("alertThresholds")) {
      if (!body.get("alertThresholds").isArray()) throw Problems.badRequest("bad-field", "alertThresholds is a list of percents, like [50, 80, 100]");
      List<Integer> read = new java.util.ArrayList<>();
      for (JsonNode x : body.get("alertThresholds")) {
        if (!x.canConvertToInt()) throw Problems.badRequest("bad-field", "alertThresholds is a list of whole percents, like [50, 80, 100]");
        read.add(x.asInt());
      }
      thresholds = read;
    }
    Optional<Double> projectBudget = analytics.projectBudget();
    if (body.has("projectBudget")) {
      JsonNode b = body.get("projectBudget");
      if (!b.isNull() && (!b.isNumber() || b.asDouble() < 0)) {
        throw Problems.badRequest("bad-field", "projectBudget is the project's dollars a month, 0 or more (null: none)");
      }
      projectBudget = b.isNull() ? Optional.empty() : Optional.of(b.asDouble());
    }
    try {
      analytics.updateSettings(next, budgets, enforce, thresholds, projectBudget);
    } catch (IllegalArgumentException e) {
      throw Problems.badRequest("bad-field", e.getMessage());
    }
    c.send(200, Reports.settings(analytics));
  }

  private static double number(JsonNode body, String field, double otherwise) {
    if (!body.has(field)) return otherwise;
    if (!body.get(field).isNumber()) throw Problems.badRequest("bad-field", field + " must be a number");
    return body.get(field).asDouble();
  }

  private org.pipelinekit.core.environment.EnvironmentStore environments() {
    return executor.environments().orElseThrow(() -> Problems.notFound("this server keeps no environments"));
  }

  /** Every environment: its rules, and what is deployed there (the latest successful deployment) and the latest attempt. */
  private void listEnvironments(Call c) throws IOException {
    ArrayNode list = Json.MAPPER.createArrayNode();
    if (executor.environments().isPresent()) {
      for (var e : environments().list()) {
        ObjectNode o = environment(e);
        List<org.pipelinekit.core.environment.Deployment> recent = environments().deployments(e.name(), 200);
        if (!recent.isEmpty()) o.set("latest", deployment(recent.get(0)));
        recent.stream().filter(org.pipelinekit.core.environment.Deployment::deployed).findFirst().ifPresent(d -> o.set("deployed", deployment(d)));
        list.add(o);
      }
    }
    c.send(200, list);
  }

  /** One environment's rules and its deployments, newest first. */
  private void getEnvironment(Call c) throws IOException {
    var e = environments().find(c.var("name")).orElseThrow(() -> Problems.notFound("no environment " + c.var("name")));
    ObjectNode o = environment(e);
    ArrayNode history = o.putArray("deployments");
    environments().deployments(e.name(), c.param("limit").map(l -> count(l, "limit")).orElse(100)).forEach(d -> history.add(deployment(d)));
    c.send(200, o);
  }

  /** Creates or replaces an environment: variables, approvers and how many must approve, the branches that may deploy. */
  private void putEnvironment(Call c) throws IOException {
    JsonNode body = c.json(Set.of("variables", "approvers", "required", "branches", "waitTimer"));
    Map<String, String> variables = new java.util.LinkedHashMap<>();
    if (body.has("variables")) {
      if (!body.get("variables").isObject()) throw Problems.badRequest("bad-field", "variables is an object: name → value");
      body.get("variables").fields().forEachRemaining(f -> variables.put(f.getKey(), f.getValue().asText()));
    }
    org.pipelinekit.core.environment.EnvironmentDefinition e;
    try {
      e = new org.pipelinekit.core.environment.EnvironmentDefinition(c.var("name"), variables, texts(body, "approvers"),
          body.has("required") ? (int) number(body, "required", 1) : 1, texts(body, "branches"),
          body.hasNonNull("waitTimer") && !body.get("waitTimer").asText().isBlank()
              ? Optional.of(org.pipelinekit.core.model.Durations.parse(body.get("waitTimer").asText())) : Optional.empty());
    } catch (IllegalArgumentException x) {
      throw Problems.badRequest("bad-environment", x.getMessage());
    }
    environments().put(e);
    c.send(200, environment(e));
  }

  private void deleteEnvironment(Call c) throws IOException {
    if (!environments().delete(c.var("name"))) throw Problems.notFound("no environment " + c.var("name"));
    c.noContent();
  }

  private static List<String> texts(JsonNode body, String field) {
    if (!body.has(field)) return List.of();
    if (!body.get(field).isArray()) throw Problems.badRequest("bad-field", field + " is a list of names");
    List<String> out = new java.util.ArrayList<>();
    body.get(field).forEach(x -> out.add(x.asText().strip()));
    return out.stream().filter(x -> !x.isEmpty()).toList();
  }

  private static ObjectNode environment(org.pipelinekit.core.environment.EnvironmentDefinition e) {
    return org.pipelinekit.core.environment.EnvironmentJson.write(e).put("secretPrefix", e.secretPrefix());
  }

  private static ObjectNode deployment(org.pipelinekit.core.environment.Deployment d) {
    return org.pipelinekit.core.environment.EnvironmentJson.write(d);
  }

  /** The project this API serves, and the projects the caller may read (with where each is served). */
  private void listProjects(Call c) throws IOException {
    ObjectNode doc = Json.MAPPER.createObjectNode().put("current", project);
    ArrayNode list = doc.putArray("projects");
    for (org.pipelinekit.web.ProjectLink p : projects.apply(c.principal)) list.addObject().put("name", p.name()).put("path", p.path());
    c.send(200, doc);
  }

  /** The audit log's entries the query asks for (newest 200 unless a limit says otherwise), and whether the chain holds. */
  private void auditEntries(Call c) throws IOException {
    int limit = c.param("limit").map(l -> count(l, "limit")).orElse(200);
    List<org.pipelinekit.core.spi.AuditLog.Entry> found = audit.read(auditQuery(c, Math.min(limit, 5000)));
    ObjectNode doc = Json.MAPPER.createObjectNode();
    ArrayNode list = doc.putArray("entries");
    for (int i = found.size() - 1; i >= 0; i--) list.add(org.pipelinekit.core.spi.AuditLog.toJson(found.get(i))); // newest first
    Optional<Long> broken = audit.verify();
    doc.put("intact", broken.isEmpty());
    broken.ifPresent(b -> doc.put("brokenAt", b));
    c.send(200, doc);
  }

  /** The entries the query asks for as JSON lines, oldest first: for a SIEM or an archive. */
  private void auditExport(Call c) throws IOException {
    StringBuilder out = new StringBuilder();
    for (var e : audit.read(auditQuery(c, c.param("limit").map(l -> count(l, "limit")).orElse(0)))) {
      out.append(Json.MAPPER.writeValueAsString(org.pipelinekit.core.spi.AuditLog.toJson(e))).append('\n');
    }
    c.resp.setHeader("Content-Disposition", "attachment; filename=\"pipelinekit-audit.jsonl\"");
    c.send(200, "application/x-ndjson", out.toString());
  }

  private static org.pipelinekit.core.spi.AuditLog.Query auditQuery(Call c, int limit) {
    return new org.pipelinekit.core.spi.AuditLog.Query(c.param("actor"), c.param("action"), c.param("target"),
        c.param("since").map(Api::instant), c.param("until").map(Api::instant), limit);
  }

  private static int count(String text, String name) {
    try {
      int n = Integer.parseInt(text);
      if (n < 1) throw new NumberFormatException();
      return n;
    } catch (NumberFormatException e) {
      throw Problems.badRequest("bad-parameter", name + " must be a whole number from 1, got '" + text + "'");
    }
  }

  private static Instant instant(String s) {
    try {
      return s.length() == 10 ? java.time.LocalDate.parse(s).atStartOfDay(java.time.ZoneOffset.UTC).toInstant() : Instant.parse(s);
    } catch (java.time.format.DateTimeParseException e) {
      throw Problems.badRequest("bad-parameter", "'" + s + "' is not a date (2026-05-01) or an instant (2026-05-01T10:00:00Z)");
    }
  }

  private void stageTypes(Call c) throws IOException {
    ArrayNode list = Json.MAPPER.createArrayNode();
    for (StageType t : registry.all()) {
      ObjectNode o = list.addObject();
      o.put("id", t.id()).put("name", t.displayName()).put("category", t.category().name().toLowerCase(Locale.ROOT))
          .put("description", t.description()).put("acceptsSteps", t.acceptsSteps());
      t.defaultImage().ifPresent(i -> o.put("defaultImage", i));
      ArrayNode inputs = o.putArray("inputs");
      for (InputSpec in : t.inputs()) inputs.add(input(in));
      ArrayNode outputs = o.putArray("outputs");
      for (OutputSpec out : t.outputs()) outputs.addObject().put("name", out.name()).put("description", out.description())
          .set("schema", schema(out.schema()));
    }
    c.send(200, list);
  }

  private static ObjectNode input(InputSpec in) {
    ObjectNode o = Json.MAPPER.createObjectNode().put("name", in.name()).put("required", in.required()).put("description", in.description());
    in.defaultValue().ifPresent(d -> o.set("default", Json.MAPPER.valueToTree(d)));
    o.set("schema", schema(in.schema()));
    return o;
  }

  private static ObjectNode schema(ValueSchema s) {
    ObjectNode o = Json.MAPPER.createObjectNode().put("type", s.type().name().toLowerCase(Locale.ROOT));
    if (!s.options().isEmpty()) o.set("options", Json.MAPPER.valueToTree(s.options()));
    s.items().ifPresent(i -> o.set("items", schema(i)));
    if (!s.fields().isEmpty()) {
      ArrayNode fields = o.putArray("fields");
      s.fields().forEach(f -> fields.add(input(f)));
    }
    return o;
  }

  // ---- executions ----

  private Execution execution(String id) {
    return executor.execution(id).orElseThrow(() -> Problems.notFound("no execution '" + id + "'"));
  }

  /** An execution with its stages; a stage that asks for approval says its approvers and whether the caller is one. */
  private void getExecution(Call c) throws IOException {
    ExecutionSnapshot s = execution(c.var("id")).snapshot();
    ObjectNode n = Json.execution(s, true);
    for (JsonNode st : n.path("stages")) {
      s.header().pipeline().stages().stream().filter(x -> x.id().equals(st.path("id").asText())).findFirst().ifPresent(stage -> {
        List<String> approvers = executor.approvers(stage); // as the engine checks a decision (the environment's included)
        if (approvers.isEmpty()) return;
        ObjectNode o = ((ObjectNode) st).putObject("approval");
        approvers.forEach(o.putArray("approvers")::add);
        o.put("mayApprove", c.principal != null && c.principal.isAnyOf(approvers));
      });
    }
    c.send(200, n);
  }

  private void cancel(Call c) throws IOException {
    Execution e = execution(c.var("id"));
    ObjectNode body = c.json(Set.of("reason"));
    if (e.status().isFinal()) throw new Problems.ApiException(409, "execution-finished", "Conflict", "execution " + e.id() + " has finished");
    acting(c).cancel(e.id(), text(body, "reason").orElse("cancelled by " + c.principal.name())); // here, or on the host that runs it
    c.send(202, Json.execution(execution(e.id()).snapshot(), false));
  }

  /**
   * Re-runs an execution: {@code ?from=<stage>} from that stage (the stages before it keep their results), or
   * {@code ?all=true} every stage, as a new run of the same pipeline version, trigger and parameters; {@code &trace=true}
   * traces its command steps ({@code set -x}: each command they run logged, with its time), {@code &trace=false} not.
   */
  private void rerun(Call c) throws IOException {
    Execution old = execution(c.var("id"));
    boolean trace = c.param("trace").map(Boolean::parseBoolean).orElse(old.header().trigger().isTraced());
    Execution e;
    if (c.param("all").map(Boolean::parseBoolean).orElse(false)) {
      e = acting(c).execute(old.header().pipeline(), old.header().trigger().traced(trace), old.header().parameters());
    } else if (c.param("failed").map(Boolean::parseBoolean).orElse(false)) {
      e = acting(c).rerunFailed(old.id(), trace);
    } else {
      String from = c.param("from").orElseThrow(() -> Problems.badRequest("missing-parameter",
          "?from=<stage> says where the re-run starts, ?failed=true re-runs the failed stages, ?all=true every stage"));
      e = acting(c).rerun(old.id(), from, trace);
    }
    c.resp.setHeader("Location", c.req.getContextPath() + c.req.getServletPath() + "/api/v1/executions/" + e.id());
    c.send(202, Json.execution(e.snapshot(), false));
  }

  private void decide(Call c, boolean approve) throws IOException {
    execution(c.var("id"));
    ObjectNode body = c.json(Set.of("comment"));
    if (approve) {
      acting(c).approve(c.var("id"), c.var("stage"));
    } else {
      acting(c).reject(c.var("id"), c.var("stage"), text(body, "comment").orElse(null));
    }
    c.send(200, Json.execution(execution(c.var("id")).snapshot(), true));
  }

  /** {@code GET logs?stage=&follow=}: the stage's lines as events {@code line} (id = line number), then {@code end}. */
  private void logs(Call c) throws IOException {
    Execution e = execution(c.var("id"));
    String stage = c.param("stage").orElseThrow(() -> Problems.badRequest("missing-parameter",
        "?stage=<id> says whose log to stream; the stages are " + e.snapshot().stages().keySet()));
    if (!e.snapshot().stages().containsKey(stage)) {
      throw Problems.notFound("execution " + e.id() + " has no stage '" + stage + "'; the stages are " + e.snapshot().stages().keySet());
    }
    boolean follow = c.param("follow").map(Boolean::parseBoolean).orElse(true);
    long from = resumeFrom(c, 1);
    SseStream sse = SseStream.start(c.req, c.resp, timer, flushers, heartbeatMillis, streams);
    if (!follow) {
      for (LogPages lines = new LogPages(e, stage, from); lines.more(); ) {
        LogLine l = lines.take();
        if (!sse.send(Long.toString(l.number()), "line", line(l))) return;
      }
      sse.send(null, "end", "{}");
      sse.close();
      return;
    }
    Subscription[] sub = new Subscription[1];
    sub[0] = e.logs().follow(stage, from, l -> {
      if (!sse.send(Long.toString(l.number()), "line", line(l)) && sub[0] != null) sub[0].close();
    }, () -> {
      sse.send(null, "end", "{}");
      sse.close();
    });
    sse.onClose(sub[0]::close);
  }

  /**
   * {@code GET logs/text?stage=}: the stored log as a file to download, a line each: its time, the stage when all stages
   * are asked for (merged by time), and its text without colour codes. Streams page by page; a stage still running
   * gives the lines it has.
   */
  private void logsText(Call c) throws IOException {
    Execution e = execution(c.var("id"));
    Set<String> all = e.snapshot().stages().keySet();
    Optional<String> stage = c.param("stage").filter(s -> !s.isBlank());
    if (stage.isPresent() && !all.contains(stage.get())) {
      throw Problems.notFound("execution " + e.id() + " has no stage '" + stage.get() + "'; the stages are " + all);
    }
    List<String> stages = stage.map(List::of).orElseGet(() -> List.copyOf(all));
    c.resp.setStatus(200);
    c.resp.setContentType("text/plain; charset=utf-8");
    c.resp.setHeader("Content-Disposition", "attachment; filename=\"" + (e.id() + "-" + stage.orElse("all-stages")).replaceAll("[^A-Za-z0-9._-]", "_")
        + ".log\"");
    java.io.Writer out = new java.io.BufferedWriter(new java.io.OutputStreamWriter(c.resp.getOutputStream(), java.nio.charset.StandardCharsets.UTF_8));
    // a merge by time of each stage's pages (each stage's lines are in time order already)
    java.util.PriorityQueue<LogPages> next = new java.util.PriorityQueue<>(java.util.Comparator.comparing(LogPages::head)
        .thenComparing(p -> p.stage));
    for (String s : stages) {
      LogPages p = new LogPages(e, s, 1);
      if (p.more()) next.add(p);
    }
    while (!next.isEmpty()) {
      LogPages p = next.poll();
      LogLine l = p.take();
      out.write(l.time().toString());
      out.write(' ');
      if (stage.isEmpty()) out.write("[" + l.stageId() + "] ");
      out.write(Ansi.strip(l.text()));
      out.write('\n');
      if (p.more()) next.add(p);
    }
    out.flush();
  }

  /** A stage's stored lines from a line number on, read a page at a time. */
  private static final class LogPages {
    private final Execution execution;
    final String stage;
    private List<LogLine> page = List.of();
    private int at;
    private long from;

    LogPages(Execution execution, String stage, long from) {
      this.execution = execution;
      this.stage = stage;
      this.from = from;
    }

    boolean more() {
      if (at < page.size()) return true;
      page = execution.logs().read(stage, from, 1000);
      at = 0;
      if (!page.isEmpty()) from = page.get(page.size() - 1).number() + 1;
      return !page.isEmpty();
    }

    Instant head() {
      return page.get(at).time();
    }

    LogLine take() {
      return page.get(at++);
    }
  }

  private static String line(LogLine l) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("stage", l.stageId()).put("line", l.number()).put("job", l.jobId()).put("attempt", l.attempt()).put("time", l.time().toString())
        .put("text", l.text());
    return Json.write(o);
  }

  /** Where a stream resumes: after {@code Last-Event-ID}, else {@code ?from=}, else {@code dflt}. */
  private static long resumeFrom(Call c, long dflt) {
    String last = c.req.getHeader("Last-Event-ID");
    try {
      if (last != null && !last.isBlank()) return Long.parseLong(last.strip()) + 1;
      return c.param("from").map(Long::parseLong).orElse(dflt);
    } catch (NumberFormatException ex) {
      throw Problems.badRequest("bad-resume-point", "Last-Event-ID and from must be numbers from an earlier stream");
    }
  }

  /** {@code GET events}: every event (type = event name, id = sequence) until the execution finishes. */
  private void events(Call c) throws IOException {
    Execution e = execution(c.var("id"));
    long from = resumeFrom(c, 1);
    SseStream sse = SseStream.start(c.req, c.resp, timer, flushers, heartbeatMillis, streams);
    Subscription sub = e.subscribe(from, new EventListener() {
      @Override
      public void onEvent(ExecutionEvent event) {
        if (!sse.send(Long.toString(event.sequence()), event.getClass().getSimpleName(), ExecutionEvents.json(event))) return;
        if (event instanceof ExecutionEvent.ExecutionFinished) sse.close();
      }

      @Override
      public void overflowed(long lastDelivered) {
        sse.send(null, "overflowed", "{\"lastDelivered\":" + lastDelivered + "}");
        sse.close(); // the client reconnects with Last-Event-ID = lastDelivered
      }
    });
    sse.onClose(sub::close);
    if (e.status().isFinal() && from > lastSequence(e)) sse.close();
  }

  private long lastSequence(Execution e) {
    return executor.stored(e.id()).map(s -> s.events().isEmpty() ? 0 : s.events().get(s.events().size() - 1).sequence()).orElse(0L);
  }

  // ---- artifacts ----

  private ArtifactManager artifactManager() {
    return artifacts.orElseThrow(() -> Problems.notFound("this server keeps no artifacts"));
  }

  /** What became of the run's notifications: each rule's delivery (sent, skipped, failed and why, attempts). */
  private void listNotifications(Call c) throws IOException {
    Execution e = execution(c.var("id"));
    ArrayNode list = Json.MAPPER.createArrayNode();
    notifier.ifPresent(n -> n.deliveries(e.id()).forEach(d -> list.addObject().put("rule", d.rule() + 1).put("channel", d.channel())
        .put("event", d.event()).put("outcome", d.outcome()).put("detail", d.detail()).put("attempts", d.attempts())
        .put("time", d.time().toString())));
    c.send(200, list);
  }

  private void listArtifacts(Call c) throws IOException {
    Execution e = execution(c.var("id"));
    ArrayNode list = Json.MAPPER.createArrayNode();
    for (ArtifactRecord r : artifactManager().list(e.id())) {
      ObjectNode o = list.addObject();
      o.put("id", r.id()).put("name", r.name()).put("size", r.size()).put("digest", r.digest()).put("kind", r.kind().name().toLowerCase(Locale.ROOT))
          .put("created", r.created().toString()).put("expires", r.expires().toString());
      r.stageId().ifPresent(s -> o.put("stage", s));
      URI signed = artifactManager().signedUrl(r.id(), c.principal, Duration.ofHours(1));
      o.put("url", c.req.getContextPath() + c.req.getServletPath() + "/api/v1" + signed.toString().replaceFirst("^/artifacts", "/artifacts"));
    }
    c.send(200, list);
  }

  /**
   * The artifact a request's signed link grants, checked in full: empty when the query names neither
   * {@code signature} nor {@code expires} (the caller must then sign in); otherwise exactly one of
   * each, well-formed, a valid signature for this artifact and not expired — or the request is
   * refused (403, or 410 for a genuine link that expired). Authentication is skipped only when this
   * returns a record.
   */
  public Optional<SignedLink> signedLink(HttpServletRequest req, String artifactId) {
    Map<String, String[]> params = req.getParameterMap();
    String[] signatures = params.get("signature");
    String[] expiries = params.get("expires");
    if (signatures == null && expiries == null) return Optional.empty();
    if (signatures == null || expiries == null || signatures.length != 1 || expiries.length != 1
        || !SIGNATURE.matcher(signatures[0]).matches() || !EXPIRES.matcher(expiries[0]).matches()) {
      throw new Problems.ApiException(403, "artifact-url-invalid", "Invalid link", "the download link for artifact " + artifactId
          + " is not valid: it needs one expires and one signature, as the artifacts list gives them; sign in to download without one");
    }
    long expires = Long.parseLong(expiries[0]);
    return Optional.of(new SignedLink(artifactManager().verifySignedUrl(artifactId, expires, signatures[0]), expires, signatures[0]));
  }

  /** The request attribute holding the {@link SignedLink} the servlet verified before skipping authentication. */
  public static final String SIGNED_LINK = SignedLink.class.getName();

  /** A verified signed link: the artifact it grants and the parts that granted it. */
  public record SignedLink(ArtifactRecord record, long expires, String signature) {}

  private static final Pattern SIGNATURE = Pattern.compile("[A-Za-z0-9_-]{43}");
  private static final Pattern EXPIRES = Pattern.compile("[0-9]{1,12}");

  private void downloadArtifact(Call c) throws IOException {
    ArtifactManager a = artifactManager();
    String id = c.var("id");
    Optional<SignedLink> signed = Optional.ofNullable((SignedLink) c.req.getAttribute(SIGNED_LINK));
    ArtifactRecord r;
    InputStream in;
    if (signed.isPresent()) {
      r = signed.get().record();
      in = a.openSigned(id, signed.get().expires(), signed.get().signature());
    } else {
      if (c.principal == null) throw new IllegalStateException("an unsigned artifact download reached the handler unauthenticated");
      in = a.get(id, c.principal);
      r = a.store().record(id).orElseThrow();
    }
    c.resp.setStatus(200);
    c.resp.setContentType(r.kind() == ArtifactRecord.Kind.TAR ? "application/x-tar" : "application/octet-stream");
    c.resp.setContentLengthLong(r.size());
    c.resp.setHeader("Digest", r.digest());
    String file = r.labels().getOrDefault("path", r.name() + (r.kind() == ArtifactRecord.Kind.TAR ? ".tar" : ""));
    c.resp.setHeader("Content-Disposition", "attachment; filename=\"" + file.substring(file.lastIndexOf('/') + 1).replace("\"", "") + "\"");
    try (in; OutputStream out = c.resp.getOutputStream()) {
      in.transferTo(out);
    }
  }
}
