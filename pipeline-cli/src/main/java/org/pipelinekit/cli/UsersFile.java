package org.pipelinekit.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.pipelinekit.core.engine.Principal;
import org.pipelinekit.core.files.PrivateFiles;
import org.pipelinekit.web.Authenticator;

/**
 * The people who can sign in to {@code serve}, one per line: {@code name groups sha256:<hex of the token's SHA-256>}
 * ({@code groups} comma-separated, or {@code -}); {@code #} starts a comment. Only hashes are kept, so the file gives away
 * no token; {@code pipelinekit users add} makes a token and prints it once.
 */
final class UsersFile {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]*");
  private static final SecureRandom RANDOM = new SecureRandom();

  /** A user; {@code role} is what they may do on the server (a line without one: editor, as before roles). */
  record User(String name, Set<String> groups, String sha256, org.pipelinekit.web.Authorizer.Role role) {}

  private UsersFile() {}

  static List<User> read(Path file) throws IOException {
    List<User> users = new ArrayList<>();
    if (!Files.exists(file)) return users;
    int n = 0;
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      n++;
      String t = line.strip();
      if (t.isEmpty() || t.startsWith("#")) continue;
      String[] f = t.split("\\s+");
      if ((f.length != 3 && f.length != 4) || !NAME.matcher(f[0]).matches() || !f[2].matches("sha256:[0-9a-f]{64}")) {
        throw new IllegalArgumentException(file + " line " + n + " is not 'name groups sha256:<64 hex digits> role'; add users with"
            + " pipelinekit users add NAME rather than by hand");
      }
      org.pipelinekit.web.Authorizer.Role role;
      try {
        role = f.length == 4 ? org.pipelinekit.web.Authorizer.Role.of(f[3]) : org.pipelinekit.web.Authorizer.Role.EDITOR;
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(file + " line " + n + ": " + e.getMessage());
      }
      Set<String> groups = f[1].equals("-") ? Set.of() : new TreeSet<>(Arrays.asList(f[1].split(",")));
      users.add(new User(f[0], groups, f[2].substring("sha256:".length()), role));
    }
    return users;
  }

  /**
   * What each user may do (their role); the server's own admin token and the group {@code admins} everything. Anyone
   * else the authenticator let in (a host's own) may do nothing.
   */
  static org.pipelinekit.web.Authorizer authorizer(List<User> users) {
    Map<String, org.pipelinekit.web.Authorizer.Role> roles = new LinkedHashMap<>();
    for (User u : users) roles.put(u.name(), u.role());
    org.pipelinekit.web.Authorizer byRole = org.pipelinekit.web.Authorizer.byRoles(p -> java.util.Optional.ofNullable(roles.get(p.name())));
    return (p, a, id) -> p.groups().contains("admins") || byRole.allowed(p, a, id);
  }

  /** Who each token hash signs in as. */
  static Authenticator authenticator(List<User> users) {
    Map<String, Principal> byHash = new LinkedHashMap<>();
    for (User u : users) byHash.put(u.sha256(), new Principal(u.name(), u.groups()));
    return Authenticator.hashedTokens(byHash);
  }

  /** Adds (or replaces) a user with a new token; returns the token, which is kept nowhere else. */
  static String add(Path file, String name, Set<String> groups, org.pipelinekit.web.Authorizer.Role role) throws IOException {
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("'" + name + "' is not a user name: letters, digits, '.', '_', '@' and '-', starting with a letter or digit");
    }
    for (String g : groups) {
      if (!NAME.matcher(g).matches()) throw new IllegalArgumentException("'" + g + "' is not a group name: letters, digits, '.', '_', '@' and '-'");
    }
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    String token = "pk_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    List<User> users = new ArrayList<>(read(file));
    users.removeIf(u -> u.name().equals(name));
    users.add(new User(name, new TreeSet<>(groups), Authenticator.sha256Hex(token), role));
    write(file, users);
    return token;
  }

  static boolean remove(Path file, String name) throws IOException {
    List<User> users = new ArrayList<>(read(file));
    boolean removed = users.removeIf(u -> u.name().equals(name));
    if (removed) write(file, users);
    return removed;
  }

  private static void write(Path file, List<User> users) throws IOException {
    StringBuilder text = new StringBuilder("# PipelineKit users: name groups sha256:<token hash> role. Manage with: pipelinekit users"
        + " add|remove|list\n");
    for (User u : users) {
      text.append(u.name()).append(' ').append(u.groups().isEmpty() ? "-" : String.join(",", u.groups())).append(" sha256:")
          .append(u.sha256()).append(' ').append(u.role().name().toLowerCase(java.util.Locale.ROOT)).append('\n');
    }
    Path dir = file.toAbsolutePath().getParent();
    PrivateFiles.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, ".users", ".tmp", PrivateFiles.file());
    Files.writeString(tmp, text, StandardCharsets.UTF_8);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
