package org.pipelinekit.imports;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Where GitHub's {@code actions/download-artifact} puts an artifact's files: {@code upload-artifact} stores them relative
 * to the least common ancestor of its paths (a directory's contents, a file by its name), and a download writes them
 * under its {@code path}. A stage here finds the files of the stages it needs where those had them, so a download step
 * becomes a step that copies them to where GitHub would put them.
 */
final class GitHubArtifacts {
  private GitHubArtifacts() {}

  /**
   * The shell lines that copy an artifact's files (uploaded from {@code uploadPaths}) to where a download into
   * {@code destination} puts them: empty when they are there already, or nothing when the paths are beyond this reading
   * ({@code **}, wildcards before the last segment, absolute or parent paths, quotes).
   */
  static Optional<String> placement(List<String> uploadPaths, String destination) {
    String dest = normalize(destination);
    List<String> paths = uploadPaths.stream().map(GitHubArtifacts::normalize).toList();
    if (dest == null || paths.isEmpty() || paths.contains(null)) return Optional.empty();
    for (String p : paths) {
      List<String> segments = segments(p);
      for (int i = 0; i < segments.size(); i++) {
        if (segments.get(i).contains("**") || (wild(segments.get(i)) && i < segments.size() - 1)) return Optional.empty();
      }
    }
    if (paths.size() == 1 && !wild(paths.get(0))) {
      // one path: a directory's contents, or a file by its name (which one, and where, is known only when it runs)
      String p = paths.get(0);
      if (p.equals(dest)) return Optional.of("");
      return Optional.of("p=" + q(p) + "; d=" + q(dest) + "\n"
          + "if [ -d \"$p\" ]; then [ \"$p\" -ef \"$d\" ] || { mkdir -p \"$d\" && cp -R \"$p\"/. \"$d\"/; }\n"
          + "elif [ -e \"$p\" ]; then [ \"$(dirname \"$p\")\" -ef \"$d\" ] || { mkdir -p \"$d\" && cp \"$p\" \"$d\"/; }; fi");
    }
    // several paths, or a wildcard: relative to the least common ancestor of what they search, read from their text
    if (paths.stream().anyMatch(p -> p.contains("${{"))) return Optional.empty();
    List<String> searched = paths.stream().map(p -> wild(p) ? parent(p) : p).toList();
    String root = ancestor(searched);
    if (root.equals(dest)) return Optional.of("");
    List<String> lines = new ArrayList<>();
    for (String p : paths) {
      if (wild(p)) {
        String into = join(dest, relative(root, parent(p)));
        lines.add("mkdir -p " + q(into) + " && for f in " + glob(p) + "; do [ -e \"$f\" ] && cp -R \"$f\" " + q(into) + "/; done");
      } else {
        String to = join(dest, relative(root, p));
        lines.add("if [ -d " + q(p) + " ]; then mkdir -p " + q(to) + " && cp -R " + q(p) + "/. " + q(to) + "/; elif [ -e " + q(p) + " ]; then mkdir -p "
            + q(parent(to)) + " && cp " + q(p) + " " + q(to) + "; fi");
      }
    }
    return Optional.of(String.join("\n", lines));
  }

  /** A relative path without {@code ./}, trailing or doubled slashes; {@code .} for the workspace; null for what stays out. */
  static String normalize(String path) {
    String p = path.strip();
    if (p.isEmpty() || p.startsWith("/") || p.startsWith("~") || p.contains("\"") || p.contains("'") || p.contains("`") || p.contains("\\")) return null;
    List<String> kept = new ArrayList<>();
    for (String s : p.split("/+")) {
      if (s.isEmpty() || s.equals(".")) continue;
      if (s.equals("..")) return null;
      kept.add(s);
    }
    return kept.isEmpty() ? "." : String.join("/", kept);
  }

  private static List<String> segments(String p) {
    return p.equals(".") ? List.of() : Arrays.asList(p.split("/"));
  }

  private static boolean wild(String p) {
    return p.contains("*") || p.contains("?") || p.contains("[");
  }

  private static String parent(String p) {
    int slash = p.lastIndexOf('/');
    return slash < 0 ? "." : p.substring(0, slash);
  }

  private static String ancestor(List<String> paths) {
    List<String> common = new ArrayList<>(segments(paths.get(0)));
    for (String p : paths.subList(1, paths.size())) {
      List<String> s = segments(p);
      int n = 0;
      while (n < common.size() && n < s.size() && common.get(n).equals(s.get(n))) n++;
      common = new ArrayList<>(common.subList(0, n));
    }
    return common.isEmpty() ? "." : String.join("/", common);
  }

  private static String relative(String root, String p) {
    if (root.equals(".")) return p;
    return p.equals(root) ? "." : p.substring(root.length() + 1);
  }

  private static String join(String a, String b) {
    if (b.equals(".")) return a;
    return a.equals(".") ? b : a + "/" + b;
  }

  /** A path for the shell, in double quotes: a {@code $} stays text, but a ${{ }} is filled in by the engine before the shell reads it. */
  private static String q(String p) {
    return "\"" + (p.contains("${{") ? p : p.replace("$", "\\$")) + "\"";
  }

  /** A wildcard path: its directory quoted, its last segment left for the shell to expand. */
  private static String glob(String p) {
    String dir = parent(p);
    String last = p.substring(p.lastIndexOf('/') + 1);
    return dir.equals(".") ? last : q(dir) + "/" + last;
  }
}
