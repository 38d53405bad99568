package org.pipelinekit.core.files;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Files below a directory matching glob patterns ({@code **}{@code /TEST-*.xml}, {@code target/*.jar}),
 * relative to it, sorted. A pattern starting with {@code **}{@code /} also matches at the top level,
 * as in GitHub Actions and .gitignore. A pattern that matches a directory ({@code dist}, {@code dist/},
 * {@code build/*}{@code /reports}) takes every file below it, as GitHub's upload-artifact and GitLab's
 * {@code artifacts:paths} do.
 *
 * <p>Only the directories a pattern can reach are walked ({@code target/*.jar} reads {@code target}, not
 * {@code node_modules}). Stages share a workspace, so files may go while they are walked: those are not found,
 * and the search does not fail.
 */
public final class Glob {
  private Glob() {}

  public static List<Path> find(Path root, List<String> patterns) {
    return find(root, patterns, false);
  }

  /**
   * As {@link #find(Path, List)}; with {@code links}, every symbolic link it meets is a match of its own, whatever it
   * points to (a directory, nothing), and is not followed: what copies a tree as it is needs (npm's workspace links).
   */
  public static List<Path> find(Path root, List<String> patterns, boolean links) {
    if (!Files.isDirectory(root)) return List.of();
    List<String> normalized = patterns.stream().map(Glob::normalize).toList();
    List<PathMatcher> matchers = normalized.stream().map(Glob::matcher).toList();
    List<PathMatcher> topLevel = normalized.stream().filter(p -> p.startsWith("**/")).map(p -> matcher(p.substring(3))).toList();
    TreeSet<Path> found = new TreeSet<>();
    for (Path base : bases(normalized)) {
      walk(root, root.resolve(base), links, rel -> {
        // the file itself, or one of the directories it is in
        for (int n = rel.getNameCount(); n >= 1; n--) {
          Path p = rel.subpath(0, n);
          if (matchers.stream().anyMatch(m -> m.matches(p)) || (n == 1 && topLevel.stream().anyMatch(m -> m.matches(p)))) {
            found.add(rel);
            return;
          }
        }
      });
    }
    return List.copyOf(found);
  }

  private static String normalize(String pattern) {
    String p = pattern.startsWith("./") ? pattern.substring(2) : pattern;
    while (p.length() > 1 && p.endsWith("/")) p = p.substring(0, p.length() - 1);
    return p;
  }

  private static PathMatcher matcher(String pattern) {
    return FileSystems.getDefault().getPathMatcher("glob:" + pattern);
  }

  /** Where each pattern's literal part ends (the directories before its first wildcard), outermost only. */
  private static List<Path> bases(List<String> patterns) {
    List<Path> bases = new ArrayList<>();
    for (String pattern : patterns) {
      if (pattern.startsWith("/")) continue; // matched against paths inside the root: an absolute pattern matches nothing
      List<String> literal = new ArrayList<>();
      for (String segment : pattern.split("/")) {
        if (segment.chars().anyMatch(c -> "*?[{\\".indexOf(c) >= 0)) break;
        literal.add(segment);
      }
      Path base = Path.of("", literal.toArray(String[]::new)).normalize();
      if (base.startsWith("..")) continue; // outside the root
      bases.add(base);
    }
    // a base inside another is walked with it
    return bases.stream().distinct().filter(b -> bases.stream().noneMatch(o -> !o.equals(b) && b.startsWith(o))).toList();
  }

  private static void walk(Path root, Path start, boolean links, java.util.function.Consumer<Path> file) {
    if (!Files.exists(start)) return;
    try {
      Files.walkFileTree(start, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) {
          if (attrs.isRegularFile() || (attrs.isSymbolicLink() && (links || Files.isRegularFile(f)))) file.accept(root.relativize(f));
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path f, IOException e) throws IOException {
          if (e instanceof NoSuchFileException) return FileVisitResult.CONTINUE; // gone while walked
          throw e;
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + start + ": " + FileErrors.describe(e), e);
    }
  }
}
