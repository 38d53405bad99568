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
 * The people who can sign in to {@code serve}, one per line: {@code name groups sha256:<hex of the token's SHA-256> roles}
 * ({@code groups} comma-separated, or {@code -}; {@code roles} comma-separated {@code role} for the default project and
 * {@code project=role} for the others, or {@code -} for none); {@code #} starts a comment. Only hashes are kept, so the
 * file gives away no token; {@code pipelinekit users add} makes a token and prints it once. A user is one identity on the
 * server; what they may do is per project, and a project they have no role in they cannot even see.
 */
final class UsersFile {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]*");
  private static final SecureRandom RANDOM = new SecureRandom();

  /** The default project: the data directory's own pipelines, served at the server's root. */
  static final String DEFAULT_PROJECT = "default";

  /**
   * A user; {@code roles} is what they may do in each project ({@link #DEFAULT_PROJECT} included; a line without roles:
   * editor of the default project, as before roles and projects).
   */
  record User(String name, Set<String> groups, String sha256, Map<String, org.pipelinekit.core.access.Role> roles) {
    User {
      roles = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(roles));
    }

    java.util.Optional<org.pipelinekit.core.access.Role> role(String project) {
      return java.util.Optional.ofNullable(roles.get(project));
    }

    /** {@code editor} (the default project's), {@code editor,web=viewer}, {@code -} for none. */
    String rolesText() {
      if (roles.isEmpty()) return "-";
      List<String> parts = new ArrayList<>();
      org.pipelinekit.core.access.Role own = roles.get(DEFAULT_PROJECT);
      if (own != null) parts.add(own.name().toLowerCase(java.util.Locale.ROOT));
      roles.forEach((p, r) -> {
        if (!p.equals(DEFAULT_PROJECT)) parts.add(p + "=" + r.name().toLowerCase(java.util.Locale.ROOT));
      });
      return String.join(",", parts);
    }
  }

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
        throw new IllegalArgumentException(file + " line " + n + " is not 'name groups sha256:<64 hex digits> roles'; add users with"
            + " pipelinekit users add NAME rather than by hand");
      }
      Map<String, org.pipelinekit.core.access.Role> roles = new LinkedHashMap<>();
      try {
        if (f.length == 3) roles.put(DEFAULT_PROJECT, org.pipelinekit.core.access.Role.EDITOR);
        else if (!f[3].equals("-")) {
          for (String part : f[3].split(",")) {
            int eq = part.indexOf('=');
            String project = eq < 0 ? DEFAULT_PROJECT : Projects.checkName(part.substring(0, eq));
            roles.put(project, org.pipelinekit.core.access.Role.of(part.substring(eq + 1)));
          }
        }
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(file + " line " + n + ": " + e.getMessage());
      }
      Set<String> groups = f[1].equals("-") ? Set.of() : new TreeSet<>(Arrays.asList(f[1].split(",")));
      users.add(new User(f[0], groups, f[2].substring("sha256:".length()), roles));
    }
    return users;
  }

  /** What each user may do in the default project. */
  static org.pipelinekit.web.Authorizer authorizer(List<User> users) {
    return authorizer(users, DEFAULT_PROJECT);
  }

  /**
   * What each user may do in {@code project} (their role there); the server's own admin token and the group
   * {@code admins} everything, in every project. Anyone else the authenticator let in (a host's own) may do nothing.
   */
  static org.pipelinekit.web.Authorizer authorizer(List<User> users, String project) {
    Map<String, User> byName = new LinkedHashMap<>();
    for (User u : users) byName.put(u.name(), u);
    org.pipelinekit.web.Authorizer byRole = org.pipelinekit.web.Authorizer.byRoles(
        p -> java.util.Optional.ofNullable(byName.get(p.name())).flatMap(u -> u.role(project)));
    return (p, a, id) -> p.groups().contains("admins") || byRole.allowed(p, a, id);
  }

  /** Who each token hash signs in as. */
  static Authenticator authenticator(List<User> users) {
    Map<String, Principal> byHash = new LinkedHashMap<>();
    for (User u : users) byHash.put(u.sha256(), new Principal(u.name(), u.groups()));
    return Authenticator.hashedTokens(byHash);
  }

  /**
   * Adds a user with a new token and {@code role} in {@code project}, or replaces one of that name (their token, groups and
   * roles); returns the token, which is kept nowhere else.
   */
  static String add(Path file, String name, Set<String> groups, String project, org.pipelinekit.core.access.Role role) throws IOException {
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("'" + name + "' is not a user name: letters, digits, '.', '_', '@' and '-', starting with a letter or digit");
    }
    for (String g : groups) {
      if (!NAME.matcher(g).matches()) throw new IllegalArgumentException("'" + g + "' is not a group name: letters, digits, '.', '_', '@' and '-'");
    }
    String token = newToken();
    List<User> users = new ArrayList<>(read(file));
    users.removeIf(u -> u.name().equals(name));
    users.add(new User(name, new TreeSet<>(groups), Authenticator.sha256Hex(token), Map.of(project, role)));
    write(file, users);
    return token;
  }

  /** Gives an existing user {@code role} in {@code project} (or, with no role, takes theirs away), keeping their token. */
  static User grant(Path file, String name, String project, java.util.Optional<org.pipelinekit.core.access.Role> role) throws IOException {
    List<User> users = new ArrayList<>(read(file));
    for (int i = 0; i < users.size(); i++) {
      User u = users.get(i);
      if (!u.name().equals(name)) continue;
      Map<String, org.pipelinekit.core.access.Role> roles = new LinkedHashMap<>(u.roles());
      role.ifPresentOrElse(r -> roles.put(project, r), () -> roles.remove(project));
      User changed = new User(u.name(), u.groups(), u.sha256(), roles);
      users.set(i, changed);
      write(file, users);
      return changed;
    }
    throw new IllegalArgumentException("no user " + name + " in " + file + "; add them first with pipelinekit users add " + name);
  }

  /** A new token for an existing user (the old one stops working when serve restarts); returns it, kept nowhere else. */
  static String newToken(Path file, String name) throws IOException {
    List<User> users = new ArrayList<>(read(file));
    String token = newToken();
    for (int i = 0; i < users.size(); i++) {
      User u = users.get(i);
      if (!u.name().equals(name)) continue;
      users.set(i, new User(u.name(), u.groups(), Authenticator.sha256Hex(token), u.roles()));
      write(file, users);
      return token;
    }
    throw new IllegalArgumentException("no user " + name + " in " + file + "; add them first with pipelinekit users add " + name);
  }

  private static String newToken() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return "pk_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  static boolean remove(Path file, String name) throws IOException {
    List<User> users = new ArrayList<>(read(file));
    boolean removed = users.removeIf(u -> u.name().equals(name));
    if (removed) write(file, users);
    return removed;
  }

  private static void write(Path file, List<User> users) throws IOException {
    StringBuilder text = new StringBuilder("# PipelineKit users: name groups sha256:<token hash> roles (role, project=role). Manage with:"
        + " pipelinekit users add|grant|token|remove|list\n");
    for (User u : users) {
      text.append(u.name()).append(' ').append(u.groups().isEmpty() ? "-" : String.join(",", u.groups())).append(" sha256:")
          .append(u.sha256()).append(' ').append(u.rolesText()).append('\n');
    }
    Path dir = file.toAbsolutePath().getParent();
    PrivateFiles.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, ".users", ".tmp", PrivateFiles.file());
    Files.writeString(tmp, text, StandardCharsets.UTF_8);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
