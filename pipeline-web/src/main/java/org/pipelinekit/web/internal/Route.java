package org.pipelinekit.web.internal;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.pipelinekit.web.Authorizer;

/**
 * One endpoint: method, path pattern relative to {@code /api/v1} with {@code {var}} segments, the
 * action it needs ({@code null}: no authentication, as the OpenAPI document and signed downloads),
 * and its handler.
 */
public record Route(String method, String pattern, org.pipelinekit.core.access.Action action, Handler handler) {
  @FunctionalInterface
  public interface Handler {
    void handle(Call call) throws Exception;
  }

  /** The path variables when the path matches. */
  public Optional<Map<String, String>> match(String method, String path) {
    if (!this.method.equals(method)) return Optional.empty();
    String[] p = pattern.split("/");
    String[] s = path.split("/");
    if (p.length != s.length) return Optional.empty();
    Map<String, String> vars = new HashMap<>();
    for (int i = 0; i < p.length; i++) {
      if (p[i].startsWith("{") && p[i].endsWith("}")) {
        if (s[i].isEmpty()) return Optional.empty();
        vars.put(p[i].substring(1, p[i].length() - 1), java.net.URLDecoder.decode(s[i], java.nio.charset.StandardCharsets.UTF_8));
      } else if (!p[i].equals(s[i])) {
        return Optional.empty();
      }
    }
    return Optional.of(vars);
  }

  /** Whether the path (any method) matches the pattern, for 405 answers. */
  public boolean matchesPath(String path) {
    return match(method, path).isPresent();
  }
}
