package org.pipelinekit.web.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.pipelinekit.core.engine.Principal;

/** One request as a handler sees it: path variables, the caller, the body (size-limited), answers. */
public final class Call {
  public final HttpServletRequest req;
  public final HttpServletResponse resp;
  public final Map<String, String> vars;
  public final Principal principal;
  private final long maxBody;
  private byte[] body;

  public Call(HttpServletRequest req, HttpServletResponse resp, Map<String, String> vars, Principal principal, long maxBody) {
    this.req = req;
    this.resp = resp;
    this.vars = vars;
    this.principal = principal;
    this.maxBody = maxBody;
  }

  public String var(String name) {
    return vars.get(name);
  }

  public Optional<String> param(String name) {
    return Optional.ofNullable(req.getParameter(name)).filter(s -> !s.isBlank());
  }

  /** The request body, refused (413) beyond the limit. */
  public byte[] body() throws IOException {
    if (body != null) return body;
    long declared = req.getContentLengthLong();
    try (InputStream in = req.getInputStream()) {
      if (declared > maxBody) {
        drain(in);
        throw tooLarge();
      }
      byte[] data = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBody + 1));
      if (data.length > maxBody) {
        drain(in);
        throw tooLarge();
      }
      body = data;
    }
    return body;
  }

  /**
   * Reads what is left of a refused body, up to 16 times the limit, so the client hears the 413
   * instead of a reset connection; beyond that the connection is dropped.
   */
  private void drain(InputStream in) throws IOException {
    long left = 16 * maxBody;
    byte[] buf = new byte[8192];
    int n;
    while (left > 0 && (n = in.read(buf, 0, (int) Math.min(buf.length, left))) > 0) left -= n;
  }

  private Problems.ApiException tooLarge() {
    return new Problems.ApiException(413, "body-too-large", "Body too large", "the request body is larger than the limit of "
        + maxBody + " bytes");
  }

  public String text() throws IOException {
    return new String(body(), StandardCharsets.UTF_8);
  }

  /** Media types of JSON bodies. */
  public static final List<String> JSON_TYPES = List.of("application/json");
  /** Media types of pipelines as code (the import's ?format= says which language). */
  public static final List<String> CODE_TYPES = List.of("text/plain", "application/json", "application/yaml", "application/x-yaml",
      "text/yaml", "text/x-yaml", "text/x-kotlin", "text/x-java", "text/x-java-source", "application/octet-stream");
  /** Media types of pipeline documents: JSON, or YAML under any of its usual names. */
  public static final List<String> DOCUMENT_TYPES = List.of("application/json", "application/yaml", "application/x-yaml", "text/yaml",
      "text/x-yaml");

  /**
   * The body's media type without parameters, lower case; a body without a Content-Type counts as the
   * first of {@code accepted}; any other type is refused with 415 naming the accepted ones.
   */
  public String mediaType(List<String> accepted) {
    String header = req.getContentType();
    if (header == null || header.isBlank()) return accepted.get(0);
    String type = header.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
    if (accepted.contains(type) || (type.endsWith("+json") && accepted.contains("application/json"))) return type;
    // read the refused body, so that the connection stays good for the client's next request (an unread body makes the
    // server drop it after the answer, and a client that reuses it at that moment gets no answer at all)
    try (InputStream in = req.getInputStream()) {
      drain(in);
    } catch (IOException | RuntimeException e) {
      // already read as form parameters, or the client went away: nothing left to read
    }
    throw new Problems.ApiException(415, "unsupported-media-type", "Unsupported media type", "a body of type " + type
        + " is not read here; send it as " + String.join(" or ", accepted) + " (Content-Type header)");
  }

  /** The body as a JSON object with only the {@code allowed} fields (empty body: an empty object). */
  public ObjectNode json(Set<String> allowed) throws IOException {
    byte[] b = body();
    if (b.length == 0) return Json.MAPPER.createObjectNode();
    mediaType(JSON_TYPES);
    JsonNode n;
    try {
      n = Json.read(b);
    } catch (JsonProcessingException e) {
      throw Problems.badRequest("malformed-json", "the body is not valid JSON: " + Json.describe(e));
    }
    if (!(n instanceof ObjectNode o)) throw Problems.badRequest("malformed-json", "the body must be a JSON object");
    for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!allowed.contains(f)) {
        throw Problems.badRequest("unknown-field", "unknown field '" + f + "'; the fields here are " + new java.util.TreeSet<>(allowed));
      }
    }
    return o;
  }

  public void send(int status, JsonNode node) throws IOException {
    send(status, "application/json", Json.write(node));
  }

  public void send(int status, String contentType, String text) throws IOException {
    resp.setStatus(status);
    resp.setContentType(contentType);
    resp.setCharacterEncoding("UTF-8");
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    resp.setContentLength(bytes.length);
    resp.getOutputStream().write(bytes);
  }

  public void noContent() {
    resp.setStatus(204);
  }
}
