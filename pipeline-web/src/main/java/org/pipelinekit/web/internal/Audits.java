package org.pipelinekit.web.internal;

import jakarta.servlet.http.HttpServletResponse;
import java.util.Map;

/** How the audit log names what a call did ({@code execution.cancel}) and to what ({@code execution/shop-3}). */
public final class Audits {
  private Audits() {}

  private static final Map<String, String> ACTIONS = Map.ofEntries(
      Map.entry("POST /pipelines", "pipeline.create"),
      Map.entry("POST /pipelines/import", "pipeline.import"),
      Map.entry("POST /pipelines/from-template", "pipeline.create-from-template"),
      Map.entry("PUT /pipelines/{id}", "pipeline.update"),
      Map.entry("DELETE /pipelines/{id}", "pipeline.delete"),
      Map.entry("PUT /pipelines/{id}/draft", "pipeline.draft.save"),
      Map.entry("DELETE /pipelines/{id}/draft", "pipeline.draft.delete"),
      Map.entry("POST /pipelines/{id}/execute", "execution.start"),
      Map.entry("POST /executions/{id}/cancel", "execution.cancel"),
      Map.entry("POST /executions/{id}/rerun", "execution.rerun"),
      Map.entry("POST /executions/{id}/stages/{stage}/approve", "stage.approve"),
      Map.entry("POST /executions/{id}/stages/{stage}/reject", "stage.reject"),
      Map.entry("PUT /analytics/settings", "settings.analytics"),
      Map.entry("POST /repositories", "repository.register"),
      Map.entry("PUT /environments/{name}", "environment.update"),
      Map.entry("DELETE /environments/{name}", "environment.delete"));

  /** The action of a route: a name from the table, else its method and path ({@code GET /executions/{id}} when refused). */
  public static String action(Route route) {
    return ACTIONS.getOrDefault(route.method() + " " + route.pattern(), route.method() + " " + route.pattern());
  }

  /** What the call acted on: from its path variables, or the Location of what it created. */
  public static String target(Route route, Map<String, String> vars, HttpServletResponse resp) {
    String p = route.pattern();
    if (p.startsWith("/executions/{id}")) {
      return "execution/" + vars.get("id") + (vars.containsKey("stage") ? "/stage/" + vars.get("stage") : "");
    }
    if (p.startsWith("/pipelines/{id}")) return "pipeline/" + vars.get("id");
    if (p.startsWith("/artifacts/{id}")) return "artifact/" + vars.get("id");
    if (p.startsWith("/environments/{name}")) return "environment/" + vars.get("name");
    String location = resp.getHeader("Location");
    if (location != null && location.contains("/api/v1/pipelines/")) {
      return "pipeline/" + java.net.URLDecoder.decode(location.substring(location.lastIndexOf('/') + 1), java.nio.charset.StandardCharsets.UTF_8);
    }
    if (p.equals("/analytics/settings")) return "settings/analytics";
    return p.substring(1);
  }
}
