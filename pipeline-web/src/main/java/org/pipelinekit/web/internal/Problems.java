package org.pipelinekit.web.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.pipelinekit.core.validate.Problem;

/**
 * RFC 9457 problem details: {@code type}, {@code title}, {@code status}, {@code detail},
 * {@code instance}, and for invalid pipelines {@code problems} (code, severity, path, message,
 * hint) — what the API answers instead of stack traces.
 */
public final class Problems {
  private Problems() {}

  /** An API error: the status and problem document to answer with. */
  public static final class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    public final int status;
    public final String type;
    public final String title;
    public final transient List<Problem> problems;
    public final transient List<String> details;

    public ApiException(int status, String type, String title, String detail) {
      this(status, type, title, detail, List.of(), List.of());
    }

    public ApiException(int status, String type, String title, String detail, List<Problem> problems, List<String> details) {
      super(detail);
      this.status = status;
      this.type = type;
      this.title = title;
      this.problems = List.copyOf(problems);
      this.details = List.copyOf(details);
    }
  }

  public static ApiException badRequest(String type, String detail) {
    return new ApiException(400, type, "Bad request", detail);
  }

  public static ApiException notFound(String what) {
    return new ApiException(404, "not-found", "Not found", what);
  }

  public static ObjectNode document(ApiException e, String instance) {
    ObjectNode n = Json.MAPPER.createObjectNode();
    n.put("type", "https://pipelinekit.org/problems/" + e.type);
    n.put("title", e.title);
    n.put("status", e.status);
    n.put("detail", e.getMessage());
    n.put("instance", instance);
    if (!e.problems.isEmpty()) {
      ArrayNode list = n.putArray("problems");
      for (Problem p : e.problems) {
        list.addObject().put("code", p.code().name()).put("severity", p.severity().name().toLowerCase(java.util.Locale.ROOT))
            .put("path", p.path()).put("message", p.message()).put("hint", p.hint());
      }
    } else if (!e.details.isEmpty()) {
      ArrayNode list = n.putArray("problems");
      for (String d : e.details) {
        int colon = d.indexOf(": ");
        ObjectNode o = list.addObject();
        if (colon > 0 && !d.substring(0, colon).contains(" ")) {
          o.put("path", d.substring(0, colon)).put("message", d.substring(colon + 2));
        } else {
          o.put("message", d);
        }
      }
    }
    return n;
  }
}
