package org.pipelinekit.web;

import jakarta.servlet.http.HttpServletRequest;
import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import org.pipelinekit.core.engine.Principal;

/**
 * Who is calling: the host's sessions, SSO, API keys. Empty means not signed in (the API answers
 * 401). The standalone server uses {@link #bearerTokens}.
 */
@FunctionalInterface
public interface Authenticator {
  Optional<Principal> authenticate(HttpServletRequest request);

  /** {@code Authorization: Bearer <token>}, each token naming its principal; compared in constant time. */
  static Authenticator bearerTokens(Map<String, Principal> tokens) {
    Map<String, Principal> copy = Map.copyOf(tokens);
    return request -> {
      String header = request.getHeader("Authorization");
      if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) return Optional.empty();
      byte[] given = header.substring(7).strip().getBytes(StandardCharsets.UTF_8);
      Principal found = null;
      for (Map.Entry<String, Principal> e : copy.entrySet()) {
        if (MessageDigest.isEqual(given, e.getKey().getBytes(StandardCharsets.UTF_8))) found = e.getValue();
      }
      return Optional.ofNullable(found);
    };
  }

  /** Everyone is this principal: for a host that authenticates in front of the servlet (a filter, a proxy). */
  static Authenticator fixed(Principal principal) {
    return request -> Optional.of(principal);
  }
}
