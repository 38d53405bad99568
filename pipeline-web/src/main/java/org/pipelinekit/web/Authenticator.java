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
    Map<String, Principal> hashed = new java.util.HashMap<>();
    tokens.forEach((token, p) -> hashed.put(sha256Hex(token), p));
    return hashedTokens(hashed);
  }

  /**
   * The names and groups of everyone who can sign in, when this authenticator knows them (a token list, a users file);
   * empty when the host decides (SSO, a proxy). The API warns about approvers outside it.
   */
  default Optional<java.util.Set<String>> knownNames() {
    return Optional.empty();
  }

  /**
   * {@code Authorization: Bearer <token>} where only the SHA-256 of each token is kept (hex, lower case), as a users file
   * has them: the file gives away no token. Compared in constant time.
   */
  static Authenticator hashedTokens(Map<String, Principal> sha256Hex) {
    Map<String, Principal> copy = Map.copyOf(sha256Hex);
    java.util.Set<String> names = names(copy.values());
    return new Authenticator() {
      @Override
      public Optional<Principal> authenticate(HttpServletRequest request) {
        String header = request.getHeader("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) return Optional.empty();
        byte[] given = sha256Hex(header.substring(7).strip()).getBytes(StandardCharsets.UTF_8);
        Principal found = null;
        for (Map.Entry<String, Principal> e : copy.entrySet()) {
          if (MessageDigest.isEqual(given, e.getKey().getBytes(StandardCharsets.UTF_8))) found = e.getValue();
        }
        return Optional.ofNullable(found);
      }

      @Override
      public Optional<java.util.Set<String>> knownNames() {
        return Optional.of(names);
      }
    };
  }

  /** The first that knows the caller; the names of all, when each knows its own. */
  static Authenticator either(Authenticator first, Authenticator second) {
    return new Authenticator() {
      @Override
      public Optional<Principal> authenticate(HttpServletRequest request) {
        return first.authenticate(request).or(() -> second.authenticate(request));
      }

      @Override
      public Optional<java.util.Set<String>> knownNames() {
        if (first.knownNames().isEmpty() || second.knownNames().isEmpty()) return Optional.empty();
        java.util.Set<String> all = new java.util.TreeSet<>(first.knownNames().get());
        all.addAll(second.knownNames().get());
        return Optional.of(all);
      }
    };
  }

  /** The SHA-256 of a token as lower-case hex: what a users file keeps instead of the token. */
  static String sha256Hex(String token) {
    try {
      return java.util.HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java has SHA-256", e);
    }
  }

  private static java.util.Set<String> names(java.util.Collection<Principal> principals) {
    java.util.Set<String> names = new java.util.TreeSet<>();
    for (Principal p : principals) {
      names.add(p.name());
      names.addAll(p.groups());
    }
    return java.util.Set.copyOf(names);
  }

  /** Everyone is this principal: for a host that authenticates in front of the servlet (a filter, a proxy). */
  static Authenticator fixed(Principal principal) {
    return request -> Optional.of(principal);
  }
}
