package org.pipelinekit.core.engine.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * {@code hashFiles('**}{@code /pom.xml', ...)}: SHA-256 over the sorted relative paths and contents
 * of the workspace's regular files matching any of the globs; empty text when none match.
 */
public final class HashFiles {
  private HashFiles() {}

  public static String hash(Path workspace, List<String> globs) {
    List<PathMatcher> matchers = globs.stream()
        .map(g -> FileSystems.getDefault().getPathMatcher("glob:" + (g.startsWith("./") ? g.substring(2) : g))).toList();
    List<Path> files;
    try (Stream<Path> walk = Files.walk(workspace)) {
      files = walk.filter(Files::isRegularFile)
          .filter(p -> {
            Path rel = workspace.relativize(p);
            return matchers.stream().anyMatch(m -> m.matches(rel) || matchesAtRoot(m, rel));
          })
          .sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("hashFiles cannot read " + workspace + ": " + e.getMessage(), e);
    }
    if (files.isEmpty()) return "";
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[64 * 1024];
      for (Path f : files) {
        sha.update(workspace.relativize(f).toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        sha.update((byte) 0);
        try (InputStream in = Files.newInputStream(f)) {
          int n;
          while ((n = in.read(buf)) > 0) sha.update(buf, 0, n);
        }
      }
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    } catch (IOException e) {
      throw new UncheckedIOException("hashFiles cannot read a file: " + e.getMessage(), e);
    }
  }

  /** {@code **}{@code /pom.xml} should also match {@code pom.xml} at the root, as in GitHub Actions. */
  private static boolean matchesAtRoot(PathMatcher m, Path rel) {
    return rel.getNameCount() == 1 && m.matches(Path.of("x").resolve(rel));
  }
}
